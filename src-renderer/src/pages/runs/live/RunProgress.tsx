/** Step of total with a bar, time spent and time left. */
import { Group, Progress, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { RunEntry } from '../../../../../src-main/contract';
import { formatInteger } from '../../../format/dataset';
import { formatDuration } from '../../../format/run';
import { formatEta } from '../../../format/transfer';
import { selectPrepareProgressOf, useRunsStore } from '../../../store/runs';

export function RunProgress({ run }: { run: RunEntry }) {
  const selectPrepare = useMemo(() => selectPrepareProgressOf(run.id), [run.id]);
  const prepare = useRunsStore(selectPrepare);
  const total = run.totalSteps;
  const percent = total !== null && total > 0 ? Math.min(100, (run.step / total) * 100) : 0;
  const moving = run.status === 'running' || run.status === 'starting' || run.status === 'preparing';
  return (
    <div>
      <Progress value={percent} animated={moving} size="lg" aria-label={`Step ${run.step} of ${total ?? 'unknown'}`} data-testid="run-progress" />
      <Group justify="space-between" mt={6}>
        <Text size="sm">
          Step <span data-testid="run-step">{run.step}</span> of <span data-testid="run-total-steps">{total === null ? '—' : formatInteger(total)}</span>
        </Text>
        <Text size="sm" c="dimmed">
          {formatDuration(run.activeSeconds)} spent · {moving ? `${formatEta(run.etaSeconds)} left` : 'not moving'}
        </Text>
      </Group>
      {run.status === 'preparing' && (
        <Text size="xs" c="dimmed" data-testid="run-preparing">
          Preparing the dataset for this model: {formatInteger(prepare?.examples ?? 0)}
          {prepare?.total == null ? '' : ` of ${formatInteger(prepare.total)}`} examples
        </Text>
      )}
    </div>
  );
}
