/**
 * The conversation, one row per user message with every pane's answer beside the others;
 * the turn streaming now fills the last row as its tokens arrive.
 */
import { SimpleGrid, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { Conversation } from '../../../../../src-main/contract';
import { threadRows } from '../../../store/playground/chat-thread';
import type { ActiveTurn } from '../../../store/playground/chat-turn';
import { AnswerCell } from './AnswerCell';
import { UserMessage } from './UserMessage';

interface ChatThreadProps {
  conversation: Conversation;
  turn: ActiveTurn | null;
  busy: boolean;
  onEdit(index: number, content: string): void;
}

export function ChatThread({ conversation, turn, busy, onEdit }: ChatThreadProps) {
  const rows = useMemo(() => threadRows(conversation.messages), [conversation.messages]);
  const panes = conversation.panes.length;

  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="chat-empty">
        Ask something: {panes > 1 ? 'every pane answers the same message, side by side.' : 'the answer streams in as it is generated.'}
      </Text>
    );
  }

  return (
    <Stack gap="md" data-testid="chat-thread">
      {rows.map((row, r) => {
        const live = turn !== null && turn.conversationId === conversation.id && r === rows.length - 1 ? turn : null;
        return (
          <Stack key={row.userIndex ?? `start-${r}`} gap={6} data-testid="chat-row">
            {row.user !== null && row.userIndex !== null && <UserMessage content={row.user} disabled={busy} onResend={(content) => onEdit(row.userIndex ?? 0, content)} />}
            <SimpleGrid cols={panes} spacing="sm">
              {Array.from({ length: panes }, (_, paneIndex) => {
                const streaming = live?.answers[paneIndex];
                if (streaming !== undefined) return <AnswerCell key={paneIndex} paneIndex={paneIndex} {...streaming} />;
                const saved = row.answers[paneIndex];
                if (saved === undefined) return <div key={paneIndex} />;
                return <AnswerCell key={paneIndex} paneIndex={paneIndex} text={saved.message.content} status={saved.message.stats?.stopReason === 'stopped' ? 'stopped' : 'done'} stats={saved.message.stats} error={null} />;
              })}
            </SimpleGrid>
          </Stack>
        );
      })}
    </Stack>
  );
}
