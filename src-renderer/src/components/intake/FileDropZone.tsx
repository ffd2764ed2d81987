/**
 * The dashed drop area of a page that takes files, with its buttons. In the desktop app the
 * buttons open the system's dialogs and the main process reads the files where they are; in
 * a browser "Add files…" chooses files to upload (a browser cannot hand over a path).
 */
import { Box, Button, Group, Stack, Text } from '@mantine/core';
import { useRef, type ChangeEvent, type ReactNode } from 'react';
import type { StoredError } from '../../store/errors';
import { ErrorNotice } from '../ErrorNotice';

export interface FileDropZoneProps {
  /** `model` → data-testid `model-drop-zone`, `model-add-files`, `model-upload-input`… */
  testIdPrefix: string;
  dragging: boolean;
  desktop: boolean;
  adding: boolean;
  addError: StoredError | null;
  errorTitle: string;
  title: string;
  description: ReactNode;
  /** For the browser's file input. */
  accept: string;
  onPickFiles(): void;
  /** Desktop only; no button when absent. */
  onPickFolder?: () => void;
  onUpload(files: File[]): void;
}

export function FileDropZone(props: FileDropZoneProps) {
  const { testIdPrefix: prefix, dragging, desktop, adding } = props;
  const uploadInput = useRef<HTMLInputElement>(null);

  const chooseFiles = () => {
    if (desktop) props.onPickFiles();
    else uploadInput.current?.click();
  };

  const onChosen = (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.currentTarget.files ?? [])];
    // Cleared so that choosing the same file again (to resume a broken upload) fires `change` again.
    event.currentTarget.value = '';
    if (files.length > 0) props.onUpload(files);
  };

  return (
    <Stack gap="sm">
      <Box
        data-testid={`${prefix}-drop-zone`}
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
          <Text fw={500}>{dragging ? 'Drop to add them' : props.title}</Text>
          {props.description}
          <Group gap="sm" mt="xs">
            <Button variant="default" onClick={chooseFiles} loading={desktop && adding} data-testid={`${prefix}-add-files`}>
              Add files…
            </Button>
            {desktop && props.onPickFolder !== undefined && (
              <Button variant="default" onClick={props.onPickFolder} disabled={adding} data-testid={`${prefix}-add-folder`}>
                Add folder…
              </Button>
            )}
          </Group>
        </Stack>
        {!desktop && <input ref={uploadInput} type="file" accept={props.accept} multiple hidden onChange={onChosen} data-testid={`${prefix}-upload-input`} />}
      </Box>
      {props.addError !== null && <ErrorNotice title={props.errorTitle} error={props.addError} />}
    </Stack>
  );
}
