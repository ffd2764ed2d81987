/** A message the person sent; it can be edited and sent again (which drops what followed). */
import { Button, Group, Paper, Text, Textarea } from '@mantine/core';
import { useState } from 'react';

interface UserMessageProps {
  content: string;
  disabled: boolean;
  onResend(content: string): void;
}

export function UserMessage({ content, disabled, onResend }: UserMessageProps) {
  const [draft, setDraft] = useState<string | null>(null);

  if (draft !== null) {
    const resend = () => {
      if (draft.trim() === '') return;
      onResend(draft);
      setDraft(null);
    };
    return (
      <Paper withBorder radius="sm" p="sm" data-testid="chat-user-edit">
        <Textarea
          aria-label="Edit the message"
          autosize
          minRows={1}
          maxRows={10}
          autoFocus
          value={draft}
          onChange={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              resend();
            }
            if (event.key === 'Escape') setDraft(null);
          }}
          data-testid="chat-user-edit-input"
        />
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button size="xs" variant="default" onClick={() => setDraft(null)}>
            Cancel
          </Button>
          <Button size="xs" onClick={resend} disabled={disabled || draft.trim() === ''} data-testid="chat-user-resend">
            Send again
          </Button>
        </Group>
      </Paper>
    );
  }

  return (
    <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs" data-testid="chat-user-message">
      <Text size="sm" fw={500} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', flex: 1 }}>
        {content}
      </Text>
      <Button size="compact-xs" variant="subtle" disabled={disabled} onClick={() => setDraft(content)} data-testid="chat-user-edit-button">
        Edit
      </Button>
    </Group>
  );
}
