/**
 * The Playground: chat with a model, alone or beside its adapters — the base and up to three
 * finished runs' adapters (or checkpoints) answer the same message side by side, streamed
 * together, each adapter at the strength its slider says.
 */
import { Grid, Stack, Text, Title } from '@mantine/core';
import { selectMayAsk, useConnectionStore } from '../../store/connection';
import { ChatView } from './chat/ChatView';
import { ConversationList } from './conversations/ConversationList';
import { ModelPicker } from './ModelPicker';
import { usePlaygroundPageData } from './usePlaygroundPageData';

export function PlaygroundPage() {
  usePlaygroundPageData();
  const mayAsk = useConnectionStore(selectMayAsk);

  return (
    <Stack gap="lg" data-testid="page-playground">
      <div>
        <Title order={2}>Playground</Title>
        <Text c="dimmed" size="sm">
          Chat with a model and what you trained on it, side by side, on this machine.
        </Text>
      </div>
      {mayAsk && (
        <>
          <ModelPicker />
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, md: 3 }}>
              <ConversationList />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 9 }}>
              <ChatView />
            </Grid.Col>
          </Grid>
        </>
      )}
    </Stack>
  );
}
