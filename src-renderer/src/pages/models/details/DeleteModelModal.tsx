/** Asks before removing a model (and its file, when Lathe owns it or the person says so). */
import { Code, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { ModelEntry } from '../../../../../src-main/contract';
import { RemoveEntryModal } from '../../../components/intake/RemoveEntryModal';
import { modelDisplayName } from '../../../format/model';
import { selectRemoveModel, useModelsStore } from '../../../store/models';

interface DeleteModelModalProps {
  model: ModelEntry;
  opened: boolean;
  onClose(): void;
}

export function DeleteModelModal({ model, opened, onClose }: DeleteModelModalProps) {
  const removeModel = useModelsStore(selectRemoveModel);
  const name = modelDisplayName(model);

  const remove = async (deleteFile: boolean) => {
    const removed = await removeModel(model.id, deleteFile);
    // A failure shows in the drawer (the store's action error); success closes it.
    if (removed) notifications.show({ title: deleteFile || model.owned ? `Deleted ${name}` : `Removed ${name} from Lathe`, message: model.path, color: 'green' });
  };

  return (
    <RemoveEntryModal
      opened={opened}
      onClose={onClose}
      title={`Delete ${name}?`}
      owned={model.owned}
      explanation={
        model.owned ? (
          <Text size="sm">
            The file is in Lathe&apos;s data folder and will be deleted: <Code style={{ overflowWrap: 'anywhere' }}>{model.path}</Code>
          </Text>
        ) : (
          <Text size="sm">
            You imported this file in place: <Code style={{ overflowWrap: 'anywhere' }}>{model.path}</Code>. Lathe can forget it and leave the file where it
            is, or delete the file as well.
          </Text>
        )
      }
      ownedConfirmLabel="Delete model and file"
      testIdPrefix="model"
      action="delete"
      onRemove={remove}
    />
  );
}
