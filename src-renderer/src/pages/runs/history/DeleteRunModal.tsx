/** Asks before deleting a run: its folder (checkpoints, adapter, log) goes with it. */
import { Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { RunEntry } from '../../../../../src-main/contract';
import { selectRemoveRun, useRunsStore } from '../../../store/runs';

export function DeleteRunModal({ run, opened, onClose }: { run: RunEntry; opened: boolean; onClose(): void }) {
  const removeRun = useRunsStore(selectRemoveRun);
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    const removed = await removeRun(run.id);
    setBusy(false);
    onClose();
    // A refusal (the run is active) shows as the page's action error.
    if (removed) notifications.show({ title: `Deleted ${run.name}`, message: run.dir, color: 'green' });
  };
  return (
    <Modal opened={opened} onClose={onClose} title={`Delete ${run.name}?`} centered size="lg" data-testid="run-delete-modal">
      <Stack gap="md">
        <Text size="sm">
          Its folder is deleted with everything in it — checkpoints, the adapter and the log: <Code style={{ overflowWrap: 'anywhere' }}>{run.dir}</Code>
        </Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Keep it
          </Button>
          <Button color="red" loading={busy} onClick={() => void remove()} data-testid="run-delete-confirm">
            Delete the run
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
