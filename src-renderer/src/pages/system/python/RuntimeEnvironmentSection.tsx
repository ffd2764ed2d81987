/**
 * Lathe's own training environment on the System page: the torch build it would install and
 * why, set-up (or repair) with live progress and cancel, the health check with its next
 * steps, removing the environment, and choosing another interpreter.
 */
import { Button, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import {
  selectCancelSetup,
  selectCheckHealth,
  selectChoosePlanBuild,
  selectLoadRuntime,
  selectResetEnvironment,
  selectRuntimeBusy,
  selectRuntimeError,
  selectRuntimeHealth,
  selectRuntimePlan,
  selectRuntimeStatus,
  selectSetupProgress,
  selectSetupRunning,
  selectStartSetup,
  selectTorchOverride,
  useRuntimeStore,
} from '../../../store/system/runtime';
import { HealthResult } from './HealthResult';
import { InterpreterChoice } from './InterpreterChoice';
import { SetupProgressView } from './SetupProgressView';

const BUILDS = ['cpu', 'cu118', 'cu121', 'cu124', 'cu126', 'cu128', 'cu130', 'rocm6.4', 'mps'];

export function RuntimeEnvironmentSection() {
  const status = useRuntimeStore(selectRuntimeStatus);
  const plan = useRuntimeStore(selectRuntimePlan);
  const override = useRuntimeStore(selectTorchOverride);
  const progress = useRuntimeStore(selectSetupProgress);
  const running = useRuntimeStore(selectSetupRunning);
  const health = useRuntimeStore(selectRuntimeHealth);
  const busy = useRuntimeStore(selectRuntimeBusy);
  const error = useRuntimeStore(selectRuntimeError);
  const loadRuntime = useRuntimeStore(selectLoadRuntime);
  const choosePlanBuild = useRuntimeStore(selectChoosePlanBuild);
  const startSetup = useRuntimeStore(selectStartSetup);
  const cancelSetup = useRuntimeStore(selectCancelSetup);
  const checkHealth = useRuntimeStore(selectCheckHealth);
  const resetEnvironment = useRuntimeStore(selectResetEnvironment);

  useEffect(() => {
    void loadRuntime();
  }, [loadRuntime]);

  const environment = status?.environment ?? null;
  const broken = health !== null && !health.ok;
  return (
    <Stack gap="sm" data-testid="runtime-environment">
      <Title order={4} size="h5">
        Lathe’s training environment
      </Title>
      {error !== null && <ErrorNotice title="The environment action failed" error={error} />}
      <Text size="sm" data-testid="runtime-environment-path">
        {environment ? `${environment.path} — torch ${environment.build} (${environment.device}), from ${environment.source}` : 'Not set up yet.'}
      </Text>
      {status?.lathePython && (
        <Text size="xs" c="dimmed">
          LATHE_PYTHON is set to {status.lathePython}; it is used for training whatever is set up here.
        </Text>
      )}
      {plan && (
        <Stack gap={4} data-testid="runtime-plan">
          <Text size="sm">
            <b>torch {plan.build}</b> ({plan.device}): {plan.reason}
          </Text>
          {plan.notes.map((note) => (
            <Text size="xs" c="dimmed" key={note}>
              {note}
            </Text>
          ))}
          {plan.problems.map((problem) => (
            <Text size="sm" c="red" key={problem.kind} data-testid="runtime-plan-problem">
              {problem.message}
            </Text>
          ))}
        </Stack>
      )}
      <Group gap="sm">
        <Select
          size="xs"
          w={170}
          aria-label="torch build"
          placeholder="Automatic"
          data={BUILDS}
          value={override}
          clearable
          onChange={(value) => void choosePlanBuild(value)}
          data-testid="runtime-torch-build"
        />
        {running ? (
          <Button size="xs" color="red" variant="light" loading={busy === 'cancel'} onClick={() => void cancelSetup()} data-testid="runtime-cancel">
            Cancel set-up
          </Button>
        ) : (
          <>
            <Button size="xs" loading={busy === 'setup'} disabled={(plan?.problems.length ?? 0) > 0} onClick={() => void startSetup({})} data-testid="runtime-setup">
              {environment ? (broken ? 'Repair' : 'Set up again') : 'Set up'}
            </Button>
            <Button size="xs" variant="default" loading={busy === 'setup'} onClick={() => void startSetup({ fromWheelFolder: true })} data-testid="runtime-setup-wheels">
              From a wheel folder…
            </Button>
            <Button size="xs" variant="default" loading={busy === 'health'} onClick={() => void checkHealth()} data-testid="runtime-health">
              Check health
            </Button>
            {environment && (
              <Button size="xs" variant="subtle" color="red" loading={busy === 'reset'} onClick={() => void resetEnvironment()} data-testid="runtime-reset">
                Remove environment
              </Button>
            )}
          </>
        )}
      </Group>
      {progress !== null && <SetupProgressView progress={progress} />}
      {health !== null && <HealthResult health={health} />}
      <InterpreterChoice chosen={status?.chosenInterpreter ?? null} />
    </Stack>
  );
}
