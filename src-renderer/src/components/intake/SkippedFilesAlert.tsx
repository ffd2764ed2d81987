/** Files an add left out, each with the reason, until the person dismisses the list. */
import { Alert, Code, List, Text } from '@mantine/core';
import type { SkippedFile } from '../../store/intake/upload-items';

export function SkippedFilesAlert({ skipped, onDismiss }: { skipped: readonly SkippedFile[]; onDismiss(): void }) {
  if (skipped.length === 0) return null;
  return (
    <Alert color="yellow" variant="light" title={`Not added (${skipped.length})`} withCloseButton closeButtonLabel="Dismiss" onClose={onDismiss} data-testid="skipped-files">
      <List size="sm" spacing={4}>
        {skipped.map((file, i) => (
          // The same path can be skipped twice (dropped again): the index keeps keys apart.
          <List.Item key={`${i}:${file.path}`}>
            <Code>{file.path}</Code>{' '}
            <Text span size="sm">
              — {file.reason}
            </Text>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
