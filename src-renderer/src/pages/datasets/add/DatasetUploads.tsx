/** Browser uploads of datasets under way or finished, one row each, and the files a drop left out. */
import { Alert, Button, Card, CloseButton, Code, Group, List, Progress, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { CardHeading } from '../../../components/CardHeading';
import { selectCancelUpload, selectDismissSkipped, selectDismissUpload, selectSkipped, selectUploadOf, selectUploads, useDatasetsStore } from '../../../store/datasets';
import { isUploadActive, uploadPercent } from '../../../store/models/upload-items';
import { uploadStatusText } from '../../models/add/upload-status-text';

export function DatasetUploads() {
  const uploads = useDatasetsStore(selectUploads);
  if (uploads.length === 0) return null;
  return (
    <Card withBorder radius="md" padding="lg" data-testid="dataset-uploads">
      <CardHeading title="Uploads" />
      <Stack gap="md">
        {uploads.map((item) => (
          <UploadRow key={item.key} uploadKey={item.key} />
        ))}
      </Stack>
    </Card>
  );
}

function UploadRow({ uploadKey }: { uploadKey: string }) {
  const selectItem = useMemo(() => selectUploadOf(uploadKey), [uploadKey]);
  const item = useDatasetsStore(selectItem);
  const cancelUpload = useDatasetsStore(selectCancelUpload);
  const dismissUpload = useDatasetsStore(selectDismissUpload);
  if (item === null) return null;
  const active = isUploadActive(item);
  return (
    <Stack gap={4} data-testid="dataset-upload" data-status={item.status}>
      <Group justify="space-between" gap="sm" wrap="nowrap">
        <Text size="sm" fw={500} truncate="end" title={item.fileName}>
          {item.fileName}
        </Text>
        {active ? (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => cancelUpload(item.key)}>
            Cancel
          </Button>
        ) : (
          <CloseButton size="sm" aria-label={`Dismiss ${item.fileName}`} onClick={() => dismissUpload(item.key)} />
        )}
      </Group>
      <Progress
        value={item.status === 'done' ? 100 : uploadPercent(item)}
        color={item.status === 'failed' ? 'red' : item.status === 'done' ? 'green' : 'blue'}
        size="sm"
        aria-label={`Upload of ${item.fileName}`}
      />
      <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
        {uploadStatusText(item)}
      </Text>
      {item.error !== null && (
        <Text size="xs" c="red" role="alert" data-testid="dataset-upload-error">
          {item.error.message}
        </Text>
      )}
    </Stack>
  );
}

export function SkippedDatasetFiles() {
  const skipped = useDatasetsStore(selectSkipped);
  const dismiss = useDatasetsStore(selectDismissSkipped);
  if (skipped.length === 0) return null;
  return (
    <Alert color="yellow" variant="light" title={`Not added (${skipped.length})`} withCloseButton closeButtonLabel="Dismiss" onClose={dismiss}>
      <List size="sm" spacing={4}>
        {skipped.map((file, i) => (
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
