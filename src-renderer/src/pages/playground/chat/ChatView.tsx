/** The open conversation: its panes side by side, settings, the thread and the composer. */
import { Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ErrorNotice } from '../../../components/ErrorNotice';
import {
  selectActionError,
  selectAdapters,
  selectAdaptersError,
  selectChangeOpen,
  selectEditAndResend,
  selectOpenConversation,
  selectOpenError,
  selectOpenLoading,
  selectRegenerate,
  selectSend,
  selectStop,
  selectStreaming,
  selectTurn,
  usePlaygroundStore,
} from '../../../store/playground';
import { MAX_PANES, withPaneAdapter, withPaneAdded, withPaneRemoved, withPaneScale } from '../../../store/playground/panes';
import { SamplingPanel } from '../settings/SamplingPanel';
import { ChatThread } from './ChatThread';
import { Composer } from './Composer';
import { PaneHeader } from './PaneHeader';

const NO_ADAPTERS: never[] = [];

export function ChatView() {
  const conversation = usePlaygroundStore(selectOpenConversation);
  const loading = usePlaygroundStore(selectOpenLoading);
  const error = usePlaygroundStore(selectOpenError);
  const adapters = usePlaygroundStore(selectAdapters) ?? NO_ADAPTERS;
  const adaptersError = usePlaygroundStore(selectAdaptersError);
  const actionError = usePlaygroundStore(selectActionError);
  const turn = usePlaygroundStore(selectTurn);
  const streaming = usePlaygroundStore(selectStreaming);
  const changeOpen = usePlaygroundStore(selectChangeOpen);
  const send = usePlaygroundStore(selectSend);
  const regenerate = usePlaygroundStore(selectRegenerate);
  const editAndResend = usePlaygroundStore(selectEditAndResend);
  const stop = usePlaygroundStore(selectStop);

  if (error !== null) return <ErrorNotice title="Could not open the conversation" error={error} />;
  if (conversation === null) {
    return loading ? (
      <Loader size="sm" aria-label="Opening the conversation" />
    ) : (
      <Text size="sm" c="dimmed" data-testid="chat-none">
        Start a new conversation, or open one from the list.
      </Text>
    );
  }

  const panes = conversation.panes;
  const canRegenerate = conversation.messages.some((message) => message.role === 'user');

  return (
    <Card withBorder radius="md" padding="lg" data-testid="chat-view" data-conversation-id={conversation.id}>
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3} size="h4" data-testid="chat-title">
            {conversation.title}
          </Title>
          <Button size="xs" variant="default" disabled={panes.length >= MAX_PANES || streaming} onClick={() => void changeOpen({ panes: withPaneAdded(panes, adapters) })} data-testid="chat-add-pane">
            Add a pane
          </Button>
        </Group>
        {adaptersError !== null && <ErrorNotice title="Could not list the adapters" error={adaptersError} />}
        <SimpleGrid cols={panes.length} spacing="sm">
          {panes.map((pane, index) => (
            <PaneHeader
              key={index}
              pane={pane}
              index={index}
              adapters={adapters}
              canRemove={panes.length > 1}
              disabled={streaming}
              onAdapter={(option) => void changeOpen({ panes: withPaneAdapter(panes, index, option) })}
              onScale={(scale) => void changeOpen({ panes: withPaneScale(panes, index, scale) })}
              onRemove={() => void changeOpen({ panes: withPaneRemoved(panes, index) })}
            />
          ))}
        </SimpleGrid>
        <SamplingPanel systemPrompt={conversation.systemPrompt} sampling={conversation.sampling} disabled={streaming} onChange={(change) => void changeOpen(change)} />
        {actionError !== null && <ErrorNotice title="That did not work" error={actionError} />}
        <ChatThread conversation={conversation} turn={turn} busy={streaming} onEdit={editAndResend} />
        <Composer streaming={streaming} canRegenerate={canRegenerate} onSend={send} onStop={stop} onRegenerate={regenerate} />
      </Stack>
    </Card>
  );
}
