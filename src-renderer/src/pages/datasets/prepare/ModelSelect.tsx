/** Chooses the model to render and prepare with, among the models that can tokenize now (shared by the Rows and Prepare tabs). */
import { Select, Text } from '@mantine/core';
import { useMemo } from 'react';
import { modelDisplayName } from '../../../format/model';
import { selectPrepareSettings, selectSetPrepareSettings, useDatasetsStore } from '../../../store/datasets';
import { effectiveModelId, usableModels } from '../../../store/datasets/prepare-settings';
import { selectModels, useModelsStore } from '../../../store/models';

export function ModelSelect({ testId, label = 'Model' }: { testId: string; label?: string }) {
  const models = useModelsStore(selectModels);
  const settings = useDatasetsStore(selectPrepareSettings);
  const setSettings = useDatasetsStore(selectSetPrepareSettings);
  const usable = useMemo(() => usableModels(models ?? []), [models]);
  const value = effectiveModelId(settings.modelId, models ?? []);
  if (models !== null && usable.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid={`${testId}-none`}>
        No model is ready yet: add a GGUF model on the Models page, then come back to render and prepare with it.
      </Text>
    );
  }
  return (
    <Select
      label={label}
      data={usable.map((model) => ({ value: model.id, label: `${modelDisplayName(model)} (${model.facts?.architecture ?? '?'})` }))}
      value={value}
      onChange={(modelId) => setSettings({ modelId })}
      allowDeselect={false}
      placeholder={models === null ? 'Loading models…' : 'Choose a model'}
      data-testid={testId}
      maw={420}
    />
  );
}
