/**
 * Asks before removing a dataset. An uploaded file is Lathe's and goes with its entry; a
 * file imported in place is the person's, so removing the entry keeps it unless they choose
 * to delete it too (DESIGN §5: never delete such a file without saying so).
 */
import { Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { DatasetEntry } from '../../../../../src-main/contract';
import { selectRemoveDataset, useDatasetsStore } from '../../../store/datasets';

interface RemoveDatasetModalProps {
  dataset: DatasetEntry;
  opened: boolean;
  onClose(): void;
}

export function RemoveDatasetModal({ dataset, opened, onClose }: RemoveDatasetModalProps) {
  const removeDataset = useDatasetsStore(selectRemoveDataset);
  const [busy, setBusy] = useState<'entry' | 'file' | null>(null);

  const remove = async (deleteFile: boolean) => {
    setBusy(deleteFile ? 'file' : 'entry');
    await removeDataset(dataset.id, deleteFile);
    setBusy(null);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={onClose} title={`Remove ${dataset.name}?`} size="lg" centered data-testid="dataset-remove-modal">
      <Stack gap="md">
        {dataset.owned ? (
          <Text size="sm">The file was uploaded and is kept in Lathe&apos;s data folder; it is deleted with the entry, along with its report and prepared data.</Text>
        ) : (
          <Text size="sm">
            You imported this file in place: <Code style={{ overflowWrap: 'anywhere' }}>{dataset.path}</Code>. Lathe can forget it (its report and prepared data go)
            and leave the file where it is, or delete the file as well.
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={busy !== null}>
            Cancel
          </Button>
          {dataset.owned ? (
            <Button color="red" loading={busy !== null} onClick={() => void remove(false)} data-testid="dataset-remove-confirm">
              Remove and delete the file
            </Button>
          ) : (
            <>
              <Button variant="light" loading={busy === 'entry'} disabled={busy === 'file'} onClick={() => void remove(false)} data-testid="dataset-remove-confirm">
                Remove from Lathe
              </Button>
              <Button color="red" loading={busy === 'file'} disabled={busy === 'entry'} onClick={() => void remove(true)} data-testid="dataset-remove-file-confirm">
                Remove and delete the file
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
