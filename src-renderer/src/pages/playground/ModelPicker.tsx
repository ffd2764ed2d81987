/** The model to chat with: ready models only (a missing or unreadable file cannot answer). */
import { Select } from '@mantine/core';
import { useEffect, useMemo } from 'react';
import { modelDisplayName } from '../../format/model';
import { selectModels, useModelsStore } from '../../store/models';
import { selectModelId, selectRunToOpen, selectSelectModel, usePlaygroundStore } from '../../store/playground';

export function ModelPicker() {
  const models = useModelsStore(selectModels);
  const modelId = usePlaygroundStore(selectModelId);
  const runToOpen = usePlaygroundStore(selectRunToOpen);
  const selectModel = usePlaygroundStore(selectSelectModel);
  const options = useMemo(
    () => (models ?? []).filter((model) => model.status === 'ready').map((model) => ({ value: model.id, label: `${modelDisplayName(model)} (${model.facts?.architecture ?? '?'})` })),
    [models],
  );

  // The first ready model is chosen when none is, unless a run is about to choose its own.
  const first = options[0]?.value ?? null;
  useEffect(() => {
    if (modelId === null && runToOpen === null && first !== null) void selectModel(first);
  }, [modelId, runToOpen, first, selectModel]);

  return (
    <Select
      label="Model"
      placeholder={models === null ? 'Loading models…' : 'Add a GGUF model on the Models page first'}
      data={options}
      value={modelId}
      onChange={(value) => void selectModel(value)}
      allowDeselect={false}
      searchable
      w={360}
      data-testid="playground-model-select"
    />
  );
}
