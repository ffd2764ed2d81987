/** The model's conversations, newest first: open one, start a new one, rename or delete. */
import { ActionIcon, Button, Group, NavLink, Stack, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import {
  selectConversations,
  selectConversationsError,
  selectModelId,
  selectNewConversation,
  selectOpenConversationAction,
  selectOpenId,
  selectRenameConversation,
  usePlaygroundStore,
} from '../../../store/playground';
import { RemoveConversationButton } from './RemoveConversationButton';

export function ConversationList() {
  const modelId = usePlaygroundStore(selectModelId);
  const all = usePlaygroundStore(selectConversations);
  const error = usePlaygroundStore(selectConversationsError);
  const openId = usePlaygroundStore(selectOpenId);
  const openConversation = usePlaygroundStore(selectOpenConversationAction);
  const newConversation = usePlaygroundStore(selectNewConversation);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const conversations = useMemo(() => (all ?? []).filter((c) => c.modelId === modelId).sort((a, b) => b.updatedAt - a.updatedAt), [all, modelId]);

  const create = async () => {
    setCreating(true);
    await newConversation();
    setCreating(false);
  };

  return (
    <Stack gap="xs" data-testid="conversation-list">
      <Button variant="light" onClick={() => void create()} loading={creating} disabled={modelId === null} data-testid="conversation-new">
        New conversation
      </Button>
      {error !== null && <ErrorNotice title="Could not list the conversations" error={error} />}
      {all !== null && conversations.length === 0 && (
        <Text size="xs" c="dimmed">
          No conversations with this model yet.
        </Text>
      )}
      {conversations.map((conversation) =>
        renaming === conversation.id ? (
          <RenameField key={conversation.id} id={conversation.id} title={conversation.title} onDone={() => setRenaming(null)} />
        ) : (
          <Group key={conversation.id} gap={2} wrap="nowrap" data-testid="conversation-row" data-conversation-id={conversation.id}>
            <NavLink
              component="button"
              type="button"
              label={conversation.title}
              description={`${conversation.messageCount} messages · ${conversation.panes.length} ${conversation.panes.length === 1 ? 'pane' : 'panes'}`}
              active={conversation.id === openId}
              onClick={() => void openConversation(conversation.id)}
              style={{ flex: 1, minWidth: 0 }}
              data-testid="conversation-open"
            />
            <ActionIcon variant="subtle" aria-label={`Rename ${conversation.title}`} onClick={() => setRenaming(conversation.id)} data-testid="conversation-rename">
              ✎
            </ActionIcon>
            <RemoveConversationButton id={conversation.id} title={conversation.title} />
          </Group>
        ),
      )}
    </Stack>
  );
}

function RenameField({ id, title, onDone }: { id: string; title: string; onDone(): void }) {
  const rename = usePlaygroundStore(selectRenameConversation);
  const [value, setValue] = useState(title);
  const save = async () => {
    const next = value.trim();
    if (next !== '' && next !== title) await rename(id, next.slice(0, 200));
    onDone();
  };
  return (
    <TextInput
      aria-label="Conversation title"
      value={value}
      autoFocus
      onChange={(event) => setValue(event.currentTarget.value)}
      onBlur={() => void save()}
      onKeyDown={(event) => {
        if (event.key === 'Enter') void save();
        if (event.key === 'Escape') onDone();
      }}
      data-testid="conversation-title-input"
    />
  );
}
