/**
 * A finished run measured: mean loss and perplexity on the validation split with and without
 * the adapter (through llama.cpp), and generations beside the references, downloadable as
 * CSV or JSONL. Progress streams in while it runs; "Evaluate again" starts a fresh one.
 */
import { Button, Group, Loader, Progress, Stack, Table, Text } from '@mantine/core';
import { useCallback, useMemo } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { formatLoss } from '../../../format/run';
import { useLiveData } from '../../../shell/useLiveData';
import {
  selectEvaluationEventsError,
  selectEvaluationOf,
  selectEvaluationTable,
  selectLoadEvaluation,
  selectStartEvaluation,
  selectStartEvaluationEvents,
  selectStopEvaluationEvents,
  usePlaygroundStore,
} from '../../../store/playground';
import { downloadText } from '../../datasets/details/download-text';
import { formatPerplexity, lossImprovement, matchSummary, progressLabel } from './evaluation-view';
import { GenerationsTable } from './GenerationsTable';

const MIME = { csv: 'text/csv', jsonl: 'application/jsonl' } as const;

export function EvaluationPanel({ runId }: { runId: string }) {
  const selectState = useMemo(() => selectEvaluationOf(runId), [runId]);
  const state = usePlaygroundStore(selectState);
  const eventsError = usePlaygroundStore(selectEvaluationEventsError);
  const loadEvaluation = usePlaygroundStore(selectLoadEvaluation);
  const startEvaluation = usePlaygroundStore(selectStartEvaluation);
  const table = usePlaygroundStore(selectEvaluationTable);
  const load = useCallback(() => void loadEvaluation(runId), [loadEvaluation, runId]);
  useLiveData(usePlaygroundStore(selectStartEvaluationEvents), usePlaygroundStore(selectStopEvaluationEvents), load);

  const evaluation = state?.evaluation.data ?? null;
  const running = state?.starting === true || evaluation?.status === 'running';
  const better = evaluation === null ? null : lossImprovement(evaluation);

  const download = async (format: 'csv' | 'jsonl') => {
    const file = await table(runId, format);
    if (file !== null) downloadText(file.fileName, file.text, MIME[format]);
  };

  return (
    <Stack gap="sm" data-testid="evaluation-panel" data-status={evaluation?.status ?? (state === null || state.evaluation.loading ? 'loading' : 'none')}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          Evaluation
        </Text>
        <Group gap="xs">
          {evaluation?.status === 'done' && (
            <>
              <Button size="xs" variant="default" onClick={() => void download('csv')} data-testid="evaluation-download-csv">
                Download CSV
              </Button>
              <Button size="xs" variant="default" onClick={() => void download('jsonl')} data-testid="evaluation-download-jsonl">
                Download JSONL
              </Button>
            </>
          )}
          <Button size="xs" onClick={() => void startEvaluation(runId)} loading={running} data-testid="evaluation-start">
            {evaluation === null ? 'Evaluate' : 'Evaluate again'}
          </Button>
        </Group>
      </Group>
      {state?.evaluation.loading === true && evaluation === null && <Loader size="xs" aria-label="Loading the evaluation" />}
      {state?.evaluation.error != null && <ErrorNotice title="Evaluation did not work" error={state.evaluation.error} />}
      {state?.downloadError != null && <ErrorNotice title="Could not get the table" error={state.downloadError} />}
      {eventsError !== null && <ErrorNotice title="Lost the evaluation's progress" error={eventsError} />}
      {running && state?.progress != null && (
        <div data-testid="evaluation-progress">
          <Text size="xs" c="dimmed">
            {progressLabel(state.progress)}
          </Text>
          <Progress value={state.progress.total === 0 ? 0 : (100 * state.progress.done) / state.progress.total} size="sm" animated />
        </div>
      )}
      {evaluation === null && state?.evaluation.loading !== true && !running && (
        <Text size="sm" c="dimmed">
          Not evaluated yet: scores the validation split with and without the adapter and answers its prompts both ways.
        </Text>
      )}
      {evaluation?.status === 'failed' && <ErrorNotice title="The evaluation failed" error={{ kind: 'internal', message: evaluation.error ?? 'No reason was given.' }} />}
      {evaluation !== null && evaluation.status === 'done' && (
        <>
          <Table withTableBorder w="auto" data-testid="evaluation-scores">
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                <Table.Th>Mean loss</Table.Th>
                <Table.Th>Perplexity</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <ScoreRow label="Base model" score={evaluation.base} testId="evaluation-base-score" />
              <ScoreRow label="Fine-tuned" score={evaluation.adapter} testId="evaluation-adapter-score" />
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed">
            On {evaluation.examples} {evaluation.split === 'validation' ? 'validation' : 'training (the run kept no validation split)'} examples, {evaluation.targetTokens} answer tokens
            {better !== null && ` · the adapter's loss is ${Math.abs(better * 100).toFixed(0)} % ${better >= 0 ? 'lower' : 'higher'}`}
            {evaluation.generations.length > 0 && ` · base: ${matchSummary(evaluation, 'base')}, fine-tuned: ${matchSummary(evaluation, 'fineTuned')}`}
          </Text>
          <GenerationsTable rows={evaluation.generations} />
        </>
      )}
    </Stack>
  );
}

function ScoreRow({ label, score, testId }: { label: string; score: { loss: number; perplexity: number } | null; testId: string }) {
  return (
    <Table.Tr data-testid={testId}>
      <Table.Td>{label}</Table.Td>
      <Table.Td>{score === null ? '—' : formatLoss(score.loss)}</Table.Td>
      <Table.Td>{score === null ? '—' : formatPerplexity(score.perplexity)}</Table.Td>
    </Table.Tr>
  );
}
