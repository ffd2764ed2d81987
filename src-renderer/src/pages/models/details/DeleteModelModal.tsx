/**
 * Asks before removing a model. A file Lathe owns (uploaded, downloaded) goes with its
 * entry; a file the person imported in place is theirs, so removing the entry keeps it
 * unless they choose to delete it too (DESIGN §5: never delete such a file without saying so).
 */
import { Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { ModelEntry } from '../../../../../src-main/contract';
import { modelDisplayName } from '../../../format/model';
import { selectRemoveModel, useModelsStore } from '../../../store/models';

interface DeleteModelModalProps {
  model: ModelEntry;
  opened: boolean;
  onClose(): void;
}

export function DeleteModelModal({ model, opened, onClose }: DeleteModelModalProps) {
  const removeModel = useModelsStore(selectRemoveModel);
  const [busy, setBusy] = useState<'entry' | 'file' | null>(null);
  const name = modelDisplayName(model);

  const remove = async (deleteFile: boolean) => {
    setBusy(deleteFile ? 'file' : 'entry');
    const removed = await removeModel(model.id, deleteFile);
    setBusy(null);
    onClose();
    // A failure shows in the drawer (the store's action error); success closes it.
    if (removed) notifications.show({ title: deleteFile || model.owned ? `Deleted ${name}` : `Removed ${name} from Lathe`, message: model.path, color: 'green' });
  };

  return (
    <Modal opened={opened} onClose={onClose} title={`Delete ${name}?`} size="lg" centered data-testid="model-delete-modal">
      <Stack gap="md">
        {model.owned ? (
          <Text size="sm">
            The file is in Lathe&apos;s data folder and will be deleted: <Code style={{ overflowWrap: 'anywhere' }}>{model.path}</Code>
          </Text>
        ) : (
          <Text size="sm">
            You imported this file in place: <Code style={{ overflowWrap: 'anywhere' }}>{model.path}</Code>. Lathe can forget it and leave the file where it
            is, or delete the file as well.
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={busy !== null}>
            Cancel
          </Button>
          {model.owned ? (
            <Button color="red" loading={busy !== null} onClick={() => void remove(false)} data-testid="model-delete-confirm">
              Delete model and file
            </Button>
          ) : (
            <>
              <Button variant="light" loading={busy === 'entry'} disabled={busy === 'file'} onClick={() => void remove(false)} data-testid="model-delete-confirm">
                Remove from Lathe
              </Button>
              <Button color="red" loading={busy === 'file'} disabled={busy === 'entry'} onClick={() => void remove(true)} data-testid="model-delete-file-confirm">
                Remove and delete the file
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
