/** A run's status as a coloured badge; the queue position when it waits. */
import { Badge } from '@mantine/core';
import type { RunEntry } from '../../../../../src-main/contract';
import { STATUS_COLOR } from '../../../format/run';

export function RunStatusBadge({ run, testId }: { run: Pick<RunEntry, 'status' | 'queuePosition'>; testId?: string }) {
  const queued = run.status === 'queued' && run.queuePosition !== null ? ` #${run.queuePosition}` : '';
  return (
    <Badge color={STATUS_COLOR[run.status]} variant="light" tt="none" miw="max-content" data-testid={testId} data-status={run.status}>
      {run.status}
      {queued}
    </Badge>
  );
}
