/**
 * The Models page's drop area: .gguf files (and, in the desktop app, folders, which are
 * scanned and watched for new files).
 */
import { Text } from '@mantine/core';
import { FileDropZone } from '../../../components/intake/FileDropZone';
import { selectTransport, useConnectionStore } from '../../../store/connection';
import { selectAddError, selectAdding, selectPickFiles, selectPickFolder, selectUploadFiles, useModelsStore } from '../../../store/models';
import { notifyAdded } from './notify-added';

export function DropZone({ dragging }: { dragging: boolean }) {
  const desktop = useConnectionStore(selectTransport) === 'electron';
  const adding = useModelsStore(selectAdding);
  const addError = useModelsStore(selectAddError);
  const pickFiles = useModelsStore(selectPickFiles);
  const pickFolder = useModelsStore(selectPickFolder);
  const uploadFiles = useModelsStore(selectUploadFiles);
  return (
    <FileDropZone
      testIdPrefix="model"
      dragging={dragging}
      desktop={desktop}
      adding={adding}
      addError={addError}
      errorTitle="Could not add models"
      title="Drop .gguf files here"
      description={
        <Text size="sm" c="dimmed" ta="center">
          {desktop
            ? 'Lathe reads them where they are; a folder is scanned and watched for new files.'
            : 'They are uploaded to the machine Lathe runs on; an interrupted upload continues when you add the same file again.'}
        </Text>
      }
      accept=".gguf"
      onPickFiles={() => void pickFiles().then(notifyAdded)}
      onPickFolder={() => void pickFolder().then(notifyAdded)}
      onUpload={uploadFiles}
    />
  );
}
