/** One pane's answer: the text (streaming or saved), then its speed, or the error in words. */
import { Alert, Loader, Paper, Text } from '@mantine/core';
import type { ChatStats } from '../../../../../src-main/contract';
import type { StoredError } from '../../../store/errors';
import type { PaneAnswerStatus } from '../../../store/playground/chat-turn';
import { formatAnswerStats } from './answer-stats';

interface AnswerCellProps {
  paneIndex: number;
  text: string;
  status: PaneAnswerStatus;
  stats: ChatStats | null;
  error: StoredError | null;
}

export function AnswerCell({ paneIndex, text, status, stats, error }: AnswerCellProps) {
  return (
    <Paper withBorder radius="sm" p="sm" bg="var(--mantine-color-default-hover)" data-testid="chat-answer" data-pane-index={paneIndex} data-status={status}>
      {status === 'waiting' && <Loader size="xs" aria-label="Waiting for the first token" />}
      {text !== '' && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="chat-answer-text">
          {text}
        </Text>
      )}
      {status === 'done' && text === '' && (
        <Text size="sm" c="dimmed" fs="italic">
          (an empty answer)
        </Text>
      )}
      {error !== null && (
        <Alert color="red" variant="light" mt={text === '' ? 0 : 'xs'} p="xs" data-testid="chat-answer-error" data-kind={error.kind}>
          <Text size="xs">{error.message}</Text>
          <Text size="xs" c="dimmed" mt={4}>
            The next message tries again.
          </Text>
        </Alert>
      )}
      {stats !== null && (
        <Text size="xs" c="dimmed" mt={6} data-testid="chat-answer-stats">
          {formatAnswerStats(stats)}
        </Text>
      )}
      {stats === null && status === 'stopped' && (
        <Text size="xs" c="dimmed" mt={6}>
          stopped
        </Text>
      )}
    </Paper>
  );
}
