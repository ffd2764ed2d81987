/**
 * The model and the dataset to train on. The first usable of each is chosen when nothing is
 * (or the choice went away), so a person with one model and one dataset only presses Start.
 */
import { Button, Group, Select, SimpleGrid, Stack } from '@mantine/core';
import { useEffect, useMemo } from 'react';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { selectDatasets, useDatasetsStore } from '../../../store/datasets';
import { selectModels, useModelsStore } from '../../../store/models';
import {
  selectAddingSample,
  selectAddSampleDataset,
  selectDraftDatasetId,
  selectDraftModelId,
  selectSampleError,
  selectSetDraft,
  useRunsStore,
} from '../../../store/runs';
import { datasetOptions, modelOptions, usableChoice } from './pick-options';

export function ModelDatasetPickers() {
  const models = useModelsStore(selectModels);
  const datasets = useDatasetsStore(selectDatasets);
  const modelId = useRunsStore(selectDraftModelId);
  const datasetId = useRunsStore(selectDraftDatasetId);
  const setDraft = useRunsStore(selectSetDraft);
  const addSample = useRunsStore(selectAddSampleDataset);
  const addingSample = useRunsStore(selectAddingSample);
  const sampleError = useRunsStore(selectSampleError);
  const modelChoices = useMemo(() => modelOptions(models ?? []), [models]);
  const datasetChoices = useMemo(() => datasetOptions(datasets ?? []), [datasets]);
  const modelValue = usableChoice(modelId, modelChoices);
  const datasetValue = usableChoice(datasetId, datasetChoices);

  useEffect(() => {
    if (modelValue !== modelId) setDraft({ modelId: modelValue });
  }, [modelValue, modelId, setDraft]);
  useEffect(() => {
    // A just-added sample set may not be listed yet, or still be importing: keep it chosen.
    const entry = datasetId === null ? undefined : datasets?.find((d) => d.id === datasetId);
    const waiting = datasetId !== null && (entry === undefined || entry.status === 'importing');
    if (datasetValue !== datasetId && !waiting) setDraft({ datasetId: datasetValue });
  }, [datasetValue, datasetId, datasets, setDraft]);

  return (
    <Stack gap="xs">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Select
          label="Base model"
          description={models !== null && modelChoices.length === 0 ? 'Add a GGUF model on the Models page first.' : 'Models the training runtime cannot read are shown, disabled, with the reason.'}
          data={modelChoices}
          value={modelValue}
          onChange={(value) => value !== null && setDraft({ modelId: value })}
          allowDeselect={false}
          placeholder={models === null ? 'Loading models…' : 'Choose a model'}
          data-testid="train-model-select"
        />
        <Stack gap={6}>
          <Select
            label="Dataset"
            description="Prepared for the model automatically when the run starts."
            data={datasetChoices}
            value={datasetId ?? datasetValue}
            onChange={(value) => value !== null && setDraft({ datasetId: value })}
            allowDeselect={false}
            placeholder={datasets === null ? 'Loading datasets…' : 'Choose a dataset'}
            data-testid="train-dataset-select"
          />
          <Group>
            <Button size="xs" variant="light" loading={addingSample} onClick={() => void addSample()} data-testid="train-add-sample">
              Use the sample dataset
            </Button>
          </Group>
        </Stack>
      </SimpleGrid>
      {sampleError !== null && <ErrorNotice title="Could not add the sample dataset" error={sampleError} />}
    </Stack>
  );
}
