/** One gauge: a label, the current reading in words, a bar, and optionally its recent history. */
import { Group, Progress, Stack, Text } from '@mantine/core';
import { Sparkline } from '../../../components/Sparkline';
import { USAGE_HISTORY_LENGTH } from '../../../store/system/initialState';

interface UsageMeterProps {
  label: string;
  /** The reading as text, e.g. "42%" or "3.1 GiB / 16.0 GiB". */
  reading: string;
  /** 0–100, for the bar. */
  percent: number;
  history?: readonly number[];
  color?: string;
  testId?: string;
}

export function UsageMeter({ label, reading, percent, history, color = 'blue', testId }: UsageMeterProps) {
  return (
    <Stack gap={4} data-testid={testId}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text size="sm" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {reading}
        </Text>
      </Group>
      <Progress value={percent} color={color} size="md" aria-label={`${label}: ${reading}`} transitionDuration={200} />
      {history !== undefined && <Sparkline values={history} max={100} capacity={USAGE_HISTORY_LENGTH} color={color} label={`${label} over the last ${history.length} samples`} />}
    </Stack>
  );
}
