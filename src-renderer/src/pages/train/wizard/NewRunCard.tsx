/**
 * The new-run wizard: model and dataset, preset, advanced settings, then what the plan says
 * (problems, warnings, memory fit), the measured duration, and Start. Every control is a
 * form control in reading order, so Tab and Enter complete it without a mouse.
 */
import { Button, Card, Divider, Group, Loader, Stack, Text } from '@mantine/core';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { formatInteger } from '../../../format/dataset';
import {
  selectCanStart,
  selectPlan,
  selectPlanError,
  selectPlanLoading,
  selectPlanPending,
  selectStartError,
  selectStarting,
  selectStartTrainingRun,
  useRunsStore,
} from '../../../store/runs';
import { CardHeading } from '../../../components/CardHeading';
import { AdvancedSettings } from './AdvancedSettings';
import { DurationEstimate } from './DurationEstimate';
import { MemoryFit } from './MemoryFit';
import { ModelDatasetPickers } from './ModelDatasetPickers';
import { PlanNotes } from './PlanNotes';
import { PresetPicker } from './PresetPicker';

export function NewRunCard({ onStarted }: { onStarted(runId: string): void }) {
  const plan = useRunsStore(selectPlan);
  const planLoading = useRunsStore(selectPlanLoading);
  const planPending = useRunsStore(selectPlanPending);
  const planError = useRunsStore(selectPlanError);
  const canStart = useRunsStore(selectCanStart);
  const starting = useRunsStore(selectStarting);
  const startError = useRunsStore(selectStartError);
  const startRun = useRunsStore(selectStartTrainingRun);
  const checking = planLoading || planPending;

  const start = async () => {
    const run = await startRun();
    if (run !== null) onStarted(run.id);
  };

  return (
    <Card withBorder radius="md" padding="lg" data-testid="train-wizard">
      <CardHeading title="New run">
        {checking && (
          <Group gap={6}>
            <Loader size="xs" />
            <Text size="xs" c="dimmed">
              Checking the settings…
            </Text>
          </Group>
        )}
      </CardHeading>
      <Stack gap="lg">
        <ModelDatasetPickers />
        <PresetPicker />
        <AdvancedSettings settings={plan?.settings ?? null} />
        {planError !== null && <ErrorNotice title="Could not plan this run" error={planError} />}
        {plan !== null && (
          <>
            <Text size="sm" data-testid="train-plan-summary">
              {formatInteger(plan.totalSteps)} steps over {formatInteger(plan.dataset.examples)} examples ({formatInteger(plan.dataset.tokens)} tokens
              {plan.dataset.estimated ? ', estimated' : ''}) on {plan.device.label}.
            </Text>
            <PlanNotes plan={plan} />
            <Divider />
            <MemoryFit plan={plan} />
            <Divider />
            <DurationEstimate disabled={plan.problems.length > 0 || checking} />
          </>
        )}
        {startError !== null && <ErrorNotice title="The run did not start" error={startError} />}
        <Group justify="flex-end">
          <Button size="md" onClick={() => void start()} disabled={!canStart} loading={starting} data-testid="train-start">
            Start training
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
