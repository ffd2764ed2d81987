/**
 * Preparing the open dataset for a model: the settings, the Prepare button, progress while it
 * runs (cancellable), and what came out — the latest preparation, or the one on record that
 * matches the chosen model.
 */
import { Alert, Button, Divider, Group, Progress, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { DatasetEntry, PreparedSummary } from '../../../../../src-main/contract';
import { formatInteger, formatPerSecond } from '../../../format/dataset';
import { modelDisplayName } from '../../../format/model';
import {
  selectCancelPrepare,
  selectLastPrepared,
  selectPrepare,
  selectPrepared,
  selectPrepareError,
  selectPrepareRunOf,
  selectPrepareSettings,
  useDatasetsStore,
} from '../../../store/datasets';
import { effectiveModelId, effectiveOptions } from '../../../store/datasets/prepare-settings';
import { selectModels, useModelsStore } from '../../../store/models';
import { PrepareControls } from './PrepareControls';
import { PreparedResult } from './PreparedResult';

export function PreparePanel({ dataset }: { dataset: DatasetEntry }) {
  const settings = useDatasetsStore(selectPrepareSettings);
  const prepare = useDatasetsStore(selectPrepare);
  const cancelPrepare = useDatasetsStore(selectCancelPrepare);
  const prepareError = useDatasetsStore(selectPrepareError);
  const lastPrepared = useDatasetsStore(selectLastPrepared);
  const prepared = useDatasetsStore(selectPrepared);
  const selectRun = useMemo(() => selectPrepareRunOf(dataset.id), [dataset.id]);
  const run = useDatasetsStore(selectRun);
  const models = useModelsStore(selectModels);
  const modelId = effectiveModelId(settings.modelId, models ?? []);
  const model = models?.find((m) => m.id === modelId) ?? null;
  const options = effectiveOptions(settings.options, model);
  const shown = shownSummary(lastPrepared, prepared.data, modelId);
  const shownModel = models?.find((m) => m.id === shown?.modelId) ?? null;
  const ready = dataset.status === 'ready';

  return (
    <Stack gap="md">
      <PrepareControls model={model} disabled={run !== null} />
      <Group gap="sm">
        <Button onClick={() => modelId !== null && void prepare(dataset.id, modelId, options)} disabled={!ready || modelId === null || run !== null} data-testid="dataset-prepare">
          Prepare
        </Button>
        {!ready && (
          <Text size="sm" c="dimmed">
            The dataset must be ready to prepare ({dataset.status}).
          </Text>
        )}
      </Group>
      {run !== null && (
        <Stack gap={4} data-testid="dataset-prepare-progress">
          <Group gap="xs" wrap="nowrap">
            <Progress value={run.total ? Math.min(100, (run.examples / run.total) * 100) : 0} animated={!run.total} style={{ flex: 1 }} aria-label="Preparation progress" />
            <Button size="compact-xs" variant="subtle" color="gray" onClick={() => void cancelPrepare(dataset.id)} data-testid="dataset-cancel-prepare">
              Cancel
            </Button>
          </Group>
          <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
            {formatInteger(run.examples)}
            {run.total === null ? '' : ` of ${formatInteger(run.total)}`} rows · {formatPerSecond(run.examplesPerSecond, 'rows')}
          </Text>
        </Stack>
      )}
      {prepareError !== null && (
        <Alert color="red" variant="light" title="Preparing failed" data-testid="dataset-prepare-error">
          <Text size="sm">{prepareError.message}</Text>
        </Alert>
      )}
      {shown !== null && (
        <>
          <Divider />
          <PreparedResult summary={shown} modelName={shownModel === null ? 'a model no longer listed' : modelDisplayName(shownModel)} />
        </>
      )}
    </Stack>
  );
}

/** The preparation just made here, else the newest on record for the chosen model. */
function shownSummary(last: PreparedSummary | null, prepared: readonly PreparedSummary[] | null, modelId: string | null): PreparedSummary | null {
  if (last !== null) return last;
  return prepared?.find((summary) => summary.modelId === modelId) ?? null;
}
