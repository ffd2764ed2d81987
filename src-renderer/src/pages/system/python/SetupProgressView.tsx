/** A set-up in progress (step, what pip is doing, download bytes, the log's last lines) or how it ended. */
import { Alert, Code, Progress, Stack, Text } from '@mantine/core';
import type { SetupProgress } from '../../../../../src-main/contract';

const STEP_NAME: Record<SetupProgress['step'], string> = {
  checking: 'Checking',
  creating: 'Creating the environment',
  installing: 'Installing torch',
  health: 'Health check',
  switching: 'Switching',
};

export function SetupProgressView({ progress }: { progress: SetupProgress }) {
  const { outcome, download } = progress;
  const fraction = download && download.totalBytes ? (download.doneBytes ?? 0) / download.totalBytes : null;
  return (
    <Stack gap={4} data-testid="runtime-progress">
      {outcome === null ? (
        <Text size="sm">
          {STEP_NAME[progress.step]}: {progress.detail}
        </Text>
      ) : (
        <Alert color={outcome.ok ? 'green' : outcome.kind === 'cancelled' ? 'gray' : 'red'} variant="light" data-testid="runtime-outcome">
          <Text size="sm">{outcome.ok ? progress.detail : outcome.message}</Text>
        </Alert>
      )}
      {outcome === null && fraction !== null && download && (
        <>
          <Progress value={fraction * 100} size="sm" aria-label="download" />
          <Text size="xs" c="dimmed">
            {download.file}: {((download.doneBytes ?? 0) / 1e6).toFixed(1)} of {((download.totalBytes ?? 0) / 1e6).toFixed(1)} MB
          </Text>
        </>
      )}
      {progress.logTail.length > 0 && (outcome === null || !outcome.ok) && (
        <Code block data-testid="runtime-log-tail" style={{ maxHeight: 160, overflow: 'auto', fontSize: 11 }}>
          {progress.logTail.slice(-8).join('\n')}
        </Code>
      )}
    </Stack>
  );
}
