/** Downloads under way, done or failed: progress with speed and time left, cancel and resume. */
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import type { DownloadEntry } from '../../../../../src-main/contract';
import { formatBytes } from '../../../format/bytes';
import { formatEta, formatRate } from '../../../format/transfer';
import { selectHubCancelDownload, selectHubDownloads, selectHubRetryDownload, useHubStore } from '../../../store/hub';

const STATE_LABEL: Record<DownloadEntry['state'], string> = {
  queued: 'Waiting',
  downloading: 'Downloading',
  verifying: 'Checking SHA-256',
  done: 'Added to your models',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function HubDownloads() {
  const downloads = useHubStore(selectHubDownloads);
  if (downloads.length === 0) return null;
  return (
    <Stack gap="sm" data-testid="hub-downloads">
      {downloads.map((d) => (
        <DownloadRow key={d.id} download={d} />
      ))}
    </Stack>
  );
}

function DownloadRow({ download: d }: { download: DownloadEntry }) {
  const cancel = useHubStore(selectHubCancelDownload);
  const retry = useHubStore(selectHubRetryDownload);
  const percent = d.sizeBytes > 0 ? (100 * d.receivedBytes) / d.sizeBytes : 0;
  const active = d.state === 'queued' || d.state === 'downloading' || d.state === 'verifying';
  return (
    <div data-testid="hub-download" data-state={d.state} data-file={d.file}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" truncate="end" title={`${d.repo}/${d.file}`}>
          {d.file}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Text size="xs" c="dimmed" data-testid="hub-download-state">
            {STATE_LABEL[d.state]}
          </Text>
          {d.state === 'failed' && (
            <Button size="compact-xs" variant="default" onClick={() => void retry(d.id)} data-testid="hub-download-retry">
              {d.resumable ? 'Resume' : 'Try again'}
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" color={active ? 'red' : 'gray'} onClick={() => void cancel(d.id)} data-testid="hub-download-cancel">
            {active ? 'Cancel' : 'Dismiss'}
          </Button>
        </Group>
      </Group>
      {d.state !== 'done' && <Progress value={percent} size="sm" mt={4} animated={d.state === 'downloading'} />}
      <Text size="xs" c="dimmed" mt={2} data-testid="hub-download-progress">
        {formatBytes(d.receivedBytes)} of {formatBytes(d.sizeBytes)}
        {d.state === 'downloading' ? ` · ${formatRate(d.bytesPerSecond)} · ${formatEta(d.etaSeconds)} left` : ''}
      </Text>
      {d.problem && (
        <Text size="xs" c={d.state === 'failed' ? 'red' : 'dimmed'} data-testid="hub-download-problem">
          {d.problem}
        </Text>
      )}
    </div>
  );
}
