/**
 * The Runs page: every run so far, sortable; tick two or more to compare their curves and
 * settings; open one to see it as the Train page shows a live run.
 */
import { Stack, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { selectMayAsk, useConnectionStore } from '../../store/connection';
import { selectOpenRunId, selectRuns, selectSelectedIds, useRunsStore } from '../../store/runs';
import { CompareCard } from './compare/CompareCard';
import { RunsTableCard } from './history/RunsTableCard';
import { RunLiveView } from './live/RunLiveView';

export function RunsPage() {
  const mayAsk = useConnectionStore(selectMayAsk);
  const runs = useRunsStore(selectRuns);
  const selectedIds = useRunsStore(selectSelectedIds);
  const openRunId = useRunsStore(selectOpenRunId);
  const compared = useMemo(() => selectedIds.flatMap((id) => runs?.find((run) => run.id === id) ?? []), [selectedIds, runs]);

  return (
    <Stack gap="lg" data-testid="page-runs">
      <div>
        <Title order={2}>Runs</Title>
        <Text c="dimmed" size="sm">
          Every fine-tune so far: how it went, what it used, and how runs compare.
        </Text>
      </div>
      {mayAsk && (
        <>
          <RunsTableCard />
          {compared.length >= 2 && <CompareCard runs={compared} />}
          {openRunId !== null && runs?.some((run) => run.id === openRunId) === true && <RunLiveView runId={openRunId} />}
        </>
      )}
    </Stack>
  );
}
