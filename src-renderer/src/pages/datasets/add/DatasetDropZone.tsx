/**
 * The dashed "Drop dataset files here" area with its button. In the desktop app the button
 * opens the system's dialog and the main process reads the files where they are; in a
 * browser "Add files…" chooses files to upload.
 */
import { Box, Button, Stack, Text } from '@mantine/core';
import { useRef, type ChangeEvent } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { selectTransport, useConnectionStore } from '../../../store/connection';
import { selectAddError, selectAdding, selectPickFiles, selectUploadFiles, useDatasetsStore } from '../../../store/datasets';
import { DATASET_ACCEPT } from '../../../store/datasets/uploadable';

export function DatasetDropZone({ dragging }: { dragging: boolean }) {
  const desktop = useConnectionStore(selectTransport) === 'electron';
  const adding = useDatasetsStore(selectAdding);
  const addError = useDatasetsStore(selectAddError);
  const pickFiles = useDatasetsStore(selectPickFiles);
  const uploadFiles = useDatasetsStore(selectUploadFiles);
  const uploadInput = useRef<HTMLInputElement>(null);

  const chooseFiles = () => {
    if (desktop) void pickFiles();
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
        data-testid="dataset-drop-zone"
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
          <Text fw={500}>{dragging ? 'Drop to add them' : 'Drop dataset files here'}</Text>
          <Text size="sm" c="dimmed" ta="center">
            JSONL, JSON, CSV or TSV, Parquet and plain text. Lathe detects the layout (chat messages, ShareGPT, Alpaca, prompt/completion…) and checks every row.
          </Text>
          <Text size="xs" c="dimmed" ta="center">
            {desktop ? 'Files are read where they are and watched for changes.' : 'Files are uploaded to the machine Lathe runs on.'}
          </Text>
          <Button variant="default" mt="xs" onClick={chooseFiles} loading={desktop && adding} data-testid="dataset-add-files">
            Add files…
          </Button>
        </Stack>
        {!desktop && <input ref={uploadInput} type="file" accept={DATASET_ACCEPT} multiple hidden onChange={onChosen} data-testid="dataset-upload-input" />}
      </Box>
      {addError !== null && <ErrorNotice title="Could not add datasets" error={addError} />}
    </Stack>
  );
}
