/**
 * One run as it trains (or as it ended): status, progress, controls, charts, samples, the
 * error of a failed run and the log. Used by the Train page for the run it follows and by
 * the Runs page for the run opened there.
 */
import { Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { FactsSkeleton } from '../../../components/FactsSkeleton';
import { formatBytes } from '../../../format/bytes';
import { formatLoss } from '../../../format/run';
import { selectActionError, selectDetailOf, selectLoadDetail, selectRunOf, selectSeriesOf, useRunsStore } from '../../../store/runs';
import { isActiveRun } from '../../../store/runs/run-list';
import { EvaluationPanel } from '../evaluation/EvaluationPanel';
import { ExportPanel } from '../export/ExportPanel';
import { ChatWithRunButton } from './ChatWithRunButton';
import { RunCharts } from './RunCharts';
import { RunControls } from './RunControls';
import { RunErrorPanel } from './RunErrorPanel';
import { RunLogTail } from './RunLogTail';
import { RunProgress } from './RunProgress';
import { RunSamples } from './RunSamples';
import { RunStatusBadge } from './RunStatusBadge';

export function RunLiveView({ runId }: { runId: string }) {
  const selectRun = useMemo(() => selectRunOf(runId), [runId]);
  const selectDetail = useMemo(() => selectDetailOf(runId), [runId]);
  const selectSeries = useMemo(() => selectSeriesOf(runId), [runId]);
  const run = useRunsStore(selectRun);
  const detail = useRunsStore(selectDetail);
  const hasSeries = useRunsStore(selectSeries) !== null;
  const actionError = useRunsStore(selectActionError);
  const loadDetail = useRunsStore(selectLoadDetail);

  useEffect(() => {
    if (!hasSeries && detail === null) void loadDetail(runId);
  }, [runId, hasSeries, detail, loadDetail]);

  if (run === null) {
    return (
      <Card withBorder radius="md" padding="lg">
        <FactsSkeleton rows={3} />
      </Card>
    );
  }

  // A completed run has an adapter to chat with, evaluate and export.
  const finished = run.status === 'completed' && run.adapterPath !== null;

  return (
    <Card withBorder radius="md" padding="lg" data-testid="run-live" data-run-id={run.id}>
      <Stack gap="md">
        <Group justify="space-between" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Title order={3} size="h4" data-testid="run-name">
              {run.name}
            </Title>
            <Text size="xs" c="dimmed">
              {run.modelName} · {run.datasetName} · {run.preset}
            </Text>
          </div>
          <RunStatusBadge run={run} testId="run-status" />
        </Group>
        <RunProgress run={run} />
        <Group gap="xl">
          <Text size="sm">
            Train loss <b data-testid="run-train-loss">{formatLoss(run.trainLoss)}</b>
          </Text>
          <Text size="sm">
            Validation loss <b data-testid="run-val-loss">{formatLoss(run.valLoss)}</b>
          </Text>
          {run.memory.measuredPeakBytes !== null && (
            <Text size="sm">
              Peak memory <b>{formatBytes(run.memory.measuredPeakBytes)}</b>
              {run.memory.estimatedBytes !== null && ` (estimated ${formatBytes(run.memory.estimatedBytes)})`}
            </Text>
          )}
        </Group>
        <Group gap="sm" align="flex-start">
          <RunControls run={run} />
          {finished && <ChatWithRunButton run={run} />}
        </Group>
        {actionError !== null && <ErrorNotice title="That did not work" error={actionError} />}
        {run.error !== null && <RunErrorPanel error={run.error} />}
        {detail?.error != null && <ErrorNotice title="Could not load the run's history" error={detail.error} />}
        {detail?.loading === true && !hasSeries ? <Loader size="sm" aria-label="Loading the run's history" /> : <RunCharts runId={run.id} live={isActiveRun(run)} />}
        {finished && <EvaluationPanel runId={run.id} />}
        {finished && <ExportPanel runId={run.id} />}
        {detail !== null && <RunSamples samples={detail.samples} />}
        {detail !== null && <RunLogTail lines={detail.logTail} />}
      </Stack>
    </Card>
  );
}
