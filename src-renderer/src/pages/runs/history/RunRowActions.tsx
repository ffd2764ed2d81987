/** A run's actions in the history: open, resume, stop, delete and open folder, in a keyboard-reachable menu. */
import { ActionIcon, Menu } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import type { RunEntry } from '../../../../../src-main/contract';
import { selectTransport, useConnectionStore } from '../../../store/connection';
import { selectOpenRun, selectResumeRun, selectRevealRun, useRunsStore } from '../../../store/runs';
import { isActiveRun } from '../../../store/runs/run-list';
import { StopRunModal } from '../live/StopRunModal';
import { DeleteRunModal } from './DeleteRunModal';

export function RunRowActions({ run }: { run: RunEntry }) {
  const openRun = useRunsStore(selectOpenRun);
  const resumeRun = useRunsStore(selectResumeRun);
  const revealRun = useRunsStore(selectRevealRun);
  const desktop = useConnectionStore(selectTransport) === 'electron';
  const [stopping, stop] = useDisclosure(false);
  const [deleting, del] = useDisclosure(false);
  const active = isActiveRun(run);
  const canResume = run.status === 'paused' || (run.resumable && !active);

  const reveal = async () => {
    const path = await revealRun(run.id);
    // In a browser the folder is on the machine Lathe runs on: say where it is instead.
    if (!desktop && path !== null) notifications.show({ title: `${run.name}: folder`, message: path, autoClose: false });
  };

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" aria-label={`Actions for ${run.name}`} onClick={(event) => event.stopPropagation()} data-testid="run-row-actions">
            ⋯
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown onClick={(event) => event.stopPropagation()}>
          <Menu.Item onClick={() => openRun(run.id)} data-testid="run-action-open">
            Open
          </Menu.Item>
          <Menu.Item disabled={!canResume} onClick={() => void resumeRun(run.id)} data-testid="run-action-resume">
            Resume
          </Menu.Item>
          <Menu.Item disabled={!active || run.status === 'stopping'} onClick={stop.open} data-testid="run-action-stop">
            Stop…
          </Menu.Item>
          <Menu.Item onClick={() => void reveal()} data-testid="run-action-reveal">
            Open folder
          </Menu.Item>
          <Menu.Divider />
          <Menu.Item color="red" disabled={active} onClick={del.open} data-testid="run-action-delete">
            {active ? 'Delete (stop it first)' : 'Delete…'}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <StopRunModal run={run} opened={stopping} onClose={stop.close} />
      <DeleteRunModal run={run} opened={deleting} onClose={del.close} />
    </>
  );
}
