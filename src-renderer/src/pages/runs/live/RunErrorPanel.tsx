/** Why a run failed: the error's kind and message, and the log lines before it. */
import { Alert, Stack, Text } from '@mantine/core';
import type { RunError } from '../../../../../src-main/contract';
import { RunLogTail } from './RunLogTail';

export function RunErrorPanel({ error }: { error: RunError }) {
  return (
    <Alert color="red" variant="light" title="The run failed" role="alert" data-testid="run-error">
      <Stack gap="sm">
        <Text size="sm">{error.message}</Text>
        <Text size="xs" c="dimmed" data-testid="run-error-kind">
          ({error.kind})
        </Text>
        {error.logTail.length > 0 && <RunLogTail lines={error.logTail} title="The log before it failed" />}
      </Stack>
    </Alert>
  );
}
