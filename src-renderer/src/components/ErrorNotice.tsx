/** Shows a stored error the way every page does: the message a person can act on, the kind for reference. */
import { Alert, Text } from '@mantine/core';
import type { StoredError } from '../store/errors';

interface ErrorNoticeProps {
  title: string;
  error: StoredError;
}

export function ErrorNotice({ title, error }: ErrorNoticeProps) {
  return (
    <Alert color="red" variant="light" title={title} role="alert" mb="md">
      <Text size="sm">{error.message}</Text>
      <Text size="xs" c="dimmed" mt={4}>
        ({error.kind})
      </Text>
    </Alert>
  );
}
