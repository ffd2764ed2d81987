/** One upload: its name, progress in words and as a bar, and a way to cancel or dismiss it. */
import { Button, CloseButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { selectCancelUpload, selectDismissUpload, selectUploadOf, useModelsStore } from '../../../store/models';
import { isUploadActive, uploadPercent, type UploadStatus } from '../../../store/models/upload-items';
import { uploadStatusText } from './upload-status-text';

const BAR_COLOR: Record<UploadStatus, string> = {
  queued: 'gray',
  sending: 'blue',
  finishing: 'blue',
  done: 'green',
  failed: 'red',
  cancelled: 'gray',
};

export function UploadRow({ uploadKey }: { uploadKey: string }) {
  const selectItem = useMemo(() => selectUploadOf(uploadKey), [uploadKey]);
  const item = useModelsStore(selectItem);
  const cancelUpload = useModelsStore(selectCancelUpload);
  const dismissUpload = useModelsStore(selectDismissUpload);
  if (item === null) return null;
  const active = isUploadActive(item);
  return (
    <Stack gap={4} data-testid="model-upload" data-status={item.status}>
      <Group justify="space-between" gap="sm" wrap="nowrap">
        <Text size="sm" fw={500} truncate="end" title={item.fileName}>
          {item.fileName}
        </Text>
        {active ? (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => cancelUpload(item.key)} data-testid="model-upload-cancel">
            Cancel
          </Button>
        ) : (
          <CloseButton size="sm" aria-label={`Dismiss ${item.fileName}`} onClick={() => dismissUpload(item.key)} />
        )}
      </Group>
      <Progress
        value={item.status === 'done' ? 100 : uploadPercent(item)}
        color={BAR_COLOR[item.status]}
        animated={item.status === 'finishing'}
        size="sm"
        aria-label={`Upload of ${item.fileName}`}
        transitionDuration={200}
      />
      <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="model-upload-status">
        {uploadStatusText(item)}
      </Text>
      {item.error !== null && (
        <Text size="xs" c="red" role="alert" data-testid="model-upload-error">
          {item.error.message}
        </Text>
      )}
    </Stack>
  );
}
