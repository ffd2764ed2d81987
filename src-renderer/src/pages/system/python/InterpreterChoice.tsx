/** Choose which interpreter trains: automatic discovery, one the Python report found, or a file (desktop). */
import { Button, Group, Select } from '@mantine/core';
import { selectPython, selectRefreshPython, useSystemStore } from '../../../store/system';
import { selectChooseInterpreter, selectRuntimeBusy, useRuntimeStore } from '../../../store/system/runtime';

const AUTOMATIC = '__automatic__';

export function InterpreterChoice({ chosen }: { chosen: string | null }) {
  const report = useSystemStore(selectPython);
  const refreshPython = useSystemStore(selectRefreshPython);
  const chooseInterpreter = useRuntimeStore(selectChooseInterpreter);
  const busy = useRuntimeStore(selectRuntimeBusy);
  const paths = [...new Set([...(chosen ? [chosen] : []), ...(report?.candidates.map((candidate) => candidate.path) ?? [])])];

  const choose = async (value: string | null) => {
    const choice = value === null || value === AUTOMATIC ? ({ kind: 'automatic' } as const) : ({ kind: 'candidate', path: value } as const);
    if ((await chooseInterpreter(choice)) !== null) await refreshPython();
  };

  return (
    <Group gap="sm" align="end">
      <Select
        size="xs"
        w={360}
        label="Interpreter for training"
        data={[{ value: AUTOMATIC, label: 'Automatic (LATHE_PYTHON, then Lathe’s environment, then PATH)' }, ...paths.map((path) => ({ value: path, label: path }))]}
        value={chosen ?? AUTOMATIC}
        onChange={(value) => void choose(value)}
        disabled={busy === 'choose'}
        data-testid="runtime-interpreter"
      />
      <Button size="xs" variant="default" loading={busy === 'choose'} onClick={() => void chooseInterpreter({ kind: 'pick' }).then((r) => (r ? refreshPython() : null))}>
        Choose a file…
      </Button>
    </Group>
  );
}
