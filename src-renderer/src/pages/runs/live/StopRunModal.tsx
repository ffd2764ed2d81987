/** Asks before stopping: stopping writes a checkpoint, and the run can be resumed from it later. */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { RunEntry } from '../../../../../src-main/contract';
import { selectStopRun, useRunsStore } from '../../../store/runs';

export function StopRunModal({ run, opened, onClose }: { run: RunEntry; opened: boolean; onClose(): void }) {
  const stopRun = useRunsStore(selectStopRun);
  const [busy, setBusy] = useState(false);
  const stop = async () => {
    setBusy(true);
    await stopRun(run.id);
    setBusy(false);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Stop ${run.name}?`} centered data-testid="run-stop-modal">
      <Stack gap="md">
        <Text size="sm">
          {run.status === 'queued'
            ? 'It has not started yet: it will be taken off the queue.'
            : 'A checkpoint is written first, so you can resume the run later from where it stopped.'}
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Keep training
          </Button>
          <Button color="red" loading={busy} onClick={() => void stop()} data-testid="run-stop-confirm" data-autofocus>
            Stop the run
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
