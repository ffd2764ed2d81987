/**
 * Pause, resume, stop and open folder for one run. Plain buttons, so Tab and Enter reach
 * them; stop asks first. In a browser the folder is on the machine Lathe runs on, so its
 * path is shown instead of opened.
 */
import { Button, Code, Group, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import type { RunEntry } from '../../../../../src-main/contract';
import { selectTransport, useConnectionStore } from '../../../store/connection';
import { selectPauseRun, selectResumeRun, selectRevealRun, useRunsStore } from '../../../store/runs';
import { StopRunModal } from './StopRunModal';

const STOPPABLE = new Set<RunEntry['status']>(['queued', 'preparing', 'starting', 'running', 'paused']);

export function RunControls({ run }: { run: RunEntry }) {
  const pauseRun = useRunsStore(selectPauseRun);
  const resumeRun = useRunsStore(selectResumeRun);
  const revealRun = useRunsStore(selectRevealRun);
  const desktop = useConnectionStore(selectTransport) === 'electron';
  const [confirming, confirm] = useDisclosure(false);
  const [busy, setBusy] = useState<'pause' | 'resume' | null>(null);
  const [shownPath, setShownPath] = useState<string | null>(null);

  const act = async (kind: 'pause' | 'resume') => {
    setBusy(kind);
    await (kind === 'pause' ? pauseRun(run.id) : resumeRun(run.id));
    setBusy(null);
  };
  const reveal = async () => {
    const path = await revealRun(run.id);
    if (!desktop) setShownPath(path ?? run.dir);
  };
  const canResume = run.status === 'paused' || (run.resumable && (run.status === 'stopped' || run.status === 'failed' || run.status === 'interrupted'));

  return (
    <div>
      <Group gap="sm">
        {run.status === 'running' && (
          <Button variant="default" loading={busy === 'pause'} onClick={() => void act('pause')} data-testid="run-pause">
            Pause
          </Button>
        )}
        {canResume && (
          <Button loading={busy === 'resume'} onClick={() => void act('resume')} data-testid="run-resume">
            Resume
          </Button>
        )}
        {STOPPABLE.has(run.status) && (
          <Button color="red" variant="light" onClick={confirm.open} data-testid="run-stop">
            Stop…
          </Button>
        )}
        <Button variant="subtle" onClick={() => void reveal()} data-testid="run-reveal">
          Open folder
        </Button>
      </Group>
      {shownPath !== null && (
        <Text size="xs" mt={6} data-testid="run-folder-path">
          The run&apos;s folder on the machine Lathe runs on: <Code style={{ overflowWrap: 'anywhere' }}>{shownPath}</Code>
        </Text>
      )}
      <StopRunModal run={run} opened={confirming} onClose={confirm.close} />
    </div>
  );
}
