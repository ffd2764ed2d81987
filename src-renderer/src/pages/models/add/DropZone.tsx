/**
 * The dashed "Drop .gguf files here" area with its buttons. In the desktop app the buttons
 * open the system's dialogs and the main process reads the files where they are; in a
 * browser "Add files…" chooses files to upload, and folders cannot be added (a browser
 * cannot hand over a folder's path).
 */
import { Box, Button, Group, Stack, Text } from '@mantine/core';
import { useRef, type ChangeEvent } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
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
  const uploadInput = useRef<HTMLInputElement>(null);

  const chooseFiles = () => {
    if (desktop) void pickFiles().then(notifyAdded);
    else uploadInput.current?.click();
  };

  const onChosen = (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.currentTarget.files ?? [])];
    // Cleared so that choosing the same file again (to resume a broken upload) fires `change` again.
    event.currentTarget.value = '';
    if (files.length > 0) uploadFiles(files);
  };

  return (
    <Stack gap="sm">
      <Box
        data-testid="model-drop-zone"
        data-dragging={dragging || undefined}
        p="xl"
        style={{
          border: `2px dashed var(--mantine-color-${dragging ? 'blue-filled' : 'default-border'})`,
          borderRadius: 'var(--mantine-radius-md)',
          background: dragging ? 'var(--mantine-color-blue-light)' : undefined,
          transition: 'background 120ms, border-color 120ms',
        }}
      >
        <Stack align="center" gap="xs">
          <Text fw={500}>{dragging ? 'Drop to add them' : 'Drop .gguf files here'}</Text>
          <Text size="sm" c="dimmed" ta="center">
            {desktop
              ? 'Lathe reads them where they are; a folder is scanned and watched for new files.'
              : 'They are uploaded to the machine Lathe runs on; an interrupted upload continues when you add the same file again.'}
          </Text>
          <Group gap="sm" mt="xs">
            <Button variant="default" onClick={chooseFiles} loading={desktop && adding} data-testid="model-add-files">
              Add files…
            </Button>
            {desktop && (
              <Button variant="default" onClick={() => void pickFolder().then(notifyAdded)} disabled={adding} data-testid="model-add-folder">
                Add folder…
              </Button>
            )}
          </Group>
        </Stack>
        {!desktop && <input ref={uploadInput} type="file" accept=".gguf" multiple hidden onChange={onChosen} data-testid="model-upload-input" />}
      </Box>
      {addError !== null && <ErrorNotice title="Could not add models" error={addError} />}
    </Stack>
  );
}
