/** How long the run will take, from a few real steps timed on this machine (`runs.measureSpeed`). */
import { Button, Group, Loader, Text } from '@mantine/core';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { formatInteger } from '../../../format/dataset';
import { formatDuration } from '../../../format/run';
import { selectMeasureSpeed, selectSpeed, useRunsStore } from '../../../store/runs';

export function DurationEstimate({ disabled }: { disabled: boolean }) {
  const speed = useRunsStore(selectSpeed);
  const measureSpeed = useRunsStore(selectMeasureSpeed);
  return (
    <div data-testid="train-duration">
      <Group gap="sm">
        <Button variant="default" onClick={() => void measureSpeed()} disabled={disabled || speed.loading} data-testid="train-measure-speed">
          Measure speed
        </Button>
        {speed.loading && (
          <Group gap={6}>
            <Loader size="xs" />
            <Text size="sm" c="dimmed">
              Timing a few real steps…
            </Text>
          </Group>
        )}
        {speed.data !== null && (
          <Text size="sm" data-testid="train-duration-estimate">
            About <b>{formatDuration(speed.data.estimatedSeconds)}</b> ({speed.data.secondsPerStep.toFixed(2)} s per step, {formatInteger(speed.data.tokensPerSecond)} tokens/s,{' '}
            {formatDuration(speed.data.startupSeconds)} to start)
          </Text>
        )}
        {speed.data === null && !speed.loading && speed.error === null && (
          <Text size="sm" c="dimmed">
            Times a few steps of this run to estimate how long it takes.
          </Text>
        )}
      </Group>
      {speed.error !== null && (
        <div style={{ marginTop: 'var(--mantine-spacing-sm)' }}>
          <ErrorNotice title="Could not measure the speed" error={speed.error} />
        </div>
      )}
    </div>
  );
}
