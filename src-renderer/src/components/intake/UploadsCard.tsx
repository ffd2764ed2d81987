/** Browser uploads under way or finished, one row each (name, progress in words and as a bar, cancel or dismiss), until dismissed. */
import { Button, Card, CloseButton, Group, Progress, Stack, Text } from '@mantine/core';
import { isUploadActive, uploadPercent, type UploadItem, type UploadStatus } from '../../store/intake/upload-items';
import { CardHeading } from '../CardHeading';
import { uploadStatusText } from './upload-status-text';

const BAR_COLOR: Record<UploadStatus, string> = {
  queued: 'gray',
  sending: 'blue',
  finishing: 'blue',
  done: 'green',
  failed: 'red',
  cancelled: 'gray',
};

export interface UploadsCardProps {
  /** `model` → data-testid `model-uploads`, `model-upload`, `model-upload-status`… */
  testIdPrefix: string;
  uploads: readonly UploadItem[];
  onCancel(key: string): void;
  onDismiss(key: string): void;
}

export function UploadsCard({ testIdPrefix, uploads, onCancel, onDismiss }: UploadsCardProps) {
  if (uploads.length === 0) return null;
  return (
    <Card withBorder radius="md" padding="lg" data-testid={`${testIdPrefix}-uploads`}>
      <CardHeading title="Uploads" />
      <Stack gap="md">
        {uploads.map((item) => (
          <UploadRow key={item.key} item={item} testIdPrefix={testIdPrefix} onCancel={onCancel} onDismiss={onDismiss} />
        ))}
      </Stack>
    </Card>
  );
}

function UploadRow({ item, testIdPrefix: prefix, onCancel, onDismiss }: { item: UploadItem; testIdPrefix: string; onCancel(key: string): void; onDismiss(key: string): void }) {
  return (
    <Stack gap={4} data-testid={`${prefix}-upload`} data-status={item.status}>
      <Group justify="space-between" gap="sm" wrap="nowrap">
        <Text size="sm" fw={500} truncate="end" title={item.fileName}>
          {item.fileName}
        </Text>
        {isUploadActive(item) ? (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => onCancel(item.key)} data-testid={`${prefix}-upload-cancel`}>
            Cancel
          </Button>
        ) : (
          <CloseButton size="sm" aria-label={`Dismiss ${item.fileName}`} onClick={() => onDismiss(item.key)} />
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
      <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`${prefix}-upload-status`}>
        {uploadStatusText(item)}
      </Text>
      {item.error !== null && (
        <Text size="xs" c="red" role="alert" data-testid={`${prefix}-upload-error`}>
          {item.error.message}
        </Text>
      )}
    </Stack>
  );
}
