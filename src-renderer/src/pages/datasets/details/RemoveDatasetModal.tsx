/** Asks before removing a dataset (its report and prepared data go; its file too when uploaded or when the person says so). */
import { Code, Text } from '@mantine/core';
import type { DatasetEntry } from '../../../../../src-main/contract';
import { RemoveEntryModal } from '../../../components/intake/RemoveEntryModal';
import { selectRemoveDataset, useDatasetsStore } from '../../../store/datasets';

interface RemoveDatasetModalProps {
  dataset: DatasetEntry;
  opened: boolean;
  onClose(): void;
}

export function RemoveDatasetModal({ dataset, opened, onClose }: RemoveDatasetModalProps) {
  const removeDataset = useDatasetsStore(selectRemoveDataset);
  return (
    <RemoveEntryModal
      opened={opened}
      onClose={onClose}
      title={`Remove ${dataset.name}?`}
      owned={dataset.owned}
      explanation={
        dataset.owned ? (
          <Text size="sm">The file was uploaded and is kept in Lathe&apos;s data folder; it is deleted with the entry, along with its report and prepared data.</Text>
        ) : (
          <Text size="sm">
            You imported this file in place: <Code style={{ overflowWrap: 'anywhere' }}>{dataset.path}</Code>. Lathe can forget it (its report and prepared data go)
            and leave the file where it is, or delete the file as well.
          </Text>
        )
      }
      ownedConfirmLabel="Remove and delete the file"
      testIdPrefix="dataset"
      action="remove"
      onRemove={async (deleteFile) => {
        await removeDataset(dataset.id, deleteFile);
      }}
    />
  );
}
