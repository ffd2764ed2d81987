/** Deleting a conversation asks first: its messages are not kept anywhere else. */
import { ActionIcon, Button, Group, Modal, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { selectRemoveConversation, usePlaygroundStore } from '../../../store/playground';

export function RemoveConversationButton({ id, title }: { id: string; title: string }) {
  const remove = usePlaygroundStore(selectRemoveConversation);
  const [opened, modal] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    if (await remove(id)) modal.close();
    setBusy(false);
  };
  return (
    <>
      <ActionIcon variant="subtle" color="red" aria-label={`Delete ${title}`} onClick={modal.open} data-testid="conversation-delete">
        ✕
      </ActionIcon>
      <Modal opened={opened} onClose={modal.close} title="Delete this conversation?">
        <Text size="sm">“{title}” and its messages will be deleted.</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={modal.close}>
            Keep it
          </Button>
          <Button color="red" loading={busy} onClick={() => void confirm()} data-testid="conversation-delete-confirm">
            Delete
          </Button>
        </Group>
      </Modal>
    </>
  );
}
