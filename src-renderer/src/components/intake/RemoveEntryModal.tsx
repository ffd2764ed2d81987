/**
 * Asks before removing a library entry (a model, a dataset). A file Lathe owns (uploaded,
 * downloaded) goes with its entry; a file the person imported in place is theirs, so
 * removing the entry keeps it unless they choose to delete it too (DESIGN §5: never delete
 * such a file without saying so).
 */
import { Button, Group, Modal, Stack } from '@mantine/core';
import { useState, type ReactNode } from 'react';

export interface RemoveEntryModalProps {
  opened: boolean;
  onClose(): void;
  title: string;
  /** Whether Lathe owns the file (then one button removes both). */
  owned: boolean;
  /** What happens, in words, for this entry's case. */
  explanation: ReactNode;
  ownedConfirmLabel: string;
  /** `model` → data-testid `model-delete-confirm`… with `action` `delete`. */
  testIdPrefix: string;
  action: 'delete' | 'remove';
  /** Resolves once done (failures are shown by the page from its store). */
  onRemove(deleteFile: boolean): Promise<void>;
}

export function RemoveEntryModal(props: RemoveEntryModalProps) {
  const { opened, onClose, owned } = props;
  const [busy, setBusy] = useState<'entry' | 'file' | null>(null);
  const testId = `${props.testIdPrefix}-${props.action}`;

  const remove = async (deleteFile: boolean) => {
    setBusy(deleteFile ? 'file' : 'entry');
    await props.onRemove(deleteFile);
    setBusy(null);
    onClose();
  };

  return (
    <Modal opened={opened} onClose={onClose} title={props.title} size="lg" centered data-testid={`${testId}-modal`}>
      <Stack gap="md">
        {props.explanation}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={busy !== null}>
            Cancel
          </Button>
          {owned ? (
            <Button color="red" loading={busy !== null} onClick={() => void remove(false)} data-testid={`${testId}-confirm`}>
              {props.ownedConfirmLabel}
            </Button>
          ) : (
            <>
              <Button variant="light" loading={busy === 'entry'} disabled={busy === 'file'} onClick={() => void remove(false)} data-testid={`${testId}-confirm`}>
                Remove from Lathe
              </Button>
              <Button color="red" loading={busy === 'file'} disabled={busy === 'entry'} onClick={() => void remove(true)} data-testid={`${testId}-file-confirm`}>
                Remove and delete the file
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
