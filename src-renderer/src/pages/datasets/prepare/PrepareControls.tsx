/** The preparation settings: model, maximum length and what to do past it, loss, validation split, seed, duplicates, template. */
import { NumberInput, SegmentedControl, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ModelEntry, PrepareOptions } from '../../../../../src-main/contract';
import { formatInteger } from '../../../format/dataset';
import { selectPrepareSettings, selectSetPrepareSettings, useDatasetsStore } from '../../../store/datasets';
import { ModelSelect } from './ModelSelect';

export function PrepareControls({ model, disabled }: { model: ModelEntry | null; disabled: boolean }) {
  const { options } = useDatasetsStore(selectPrepareSettings);
  const setSettings = useDatasetsStore(selectSetPrepareSettings);
  const set = (change: Partial<PrepareOptions>) => setSettings(change);
  const hasTemplate = model?.facts?.chatTemplate != null;
  const contextLength = model?.facts?.contextLength ?? null;

  return (
    <Stack gap="sm">
      <ModelSelect testId="dataset-model-select" />
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
        <NumberInput
          label="Maximum length (tokens)"
          description={contextLength === null ? undefined : `The model's context is ${formatInteger(contextLength)}`}
          error={contextLength !== null && options.maxLength > contextLength ? 'Longer than the model’s context: it cannot attend that far' : undefined}
          value={options.maxLength}
          onChange={(value) => typeof value === 'number' && set({ maxLength: value })}
          min={16}
          max={1 << 20}
          step={128}
          allowDecimal={false}
          disabled={disabled}
          data-testid="dataset-max-length"
        />
        <NumberInput
          label="Validation split (%)"
          value={options.validationPercent}
          onChange={(value) => typeof value === 'number' && set({ validationPercent: value })}
          min={0}
          max={50}
          disabled={disabled}
          data-testid="dataset-validation-percent"
        />
        <NumberInput
          label="Seed (for the split)"
          value={options.seed}
          onChange={(value) => typeof value === 'number' && set({ seed: value })}
          min={0}
          allowDecimal={false}
          disabled={disabled}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Labelled label="Longer examples">
          <SegmentedControl
            size="xs"
            value={options.overlong}
            onChange={(value) => set({ overlong: value as PrepareOptions['overlong'] })}
            data={[
              { value: 'truncate', label: 'Truncate' },
              { value: 'drop', label: 'Drop' },
            ]}
            disabled={disabled}
          />
        </Labelled>
        <Labelled label="Loss on">
          <SegmentedControl
            size="xs"
            value={options.lossOn}
            onChange={(value) => set({ lossOn: value as PrepareOptions['lossOn'] })}
            data={[
              { value: 'assistant', label: 'Assistant turns' },
              { value: 'all', label: 'All tokens' },
            ]}
            disabled={disabled}
          />
        </Labelled>
        <Labelled label="Template">
          <SegmentedControl
            size="xs"
            value={hasTemplate || model === null ? options.template : 'chatml'}
            onChange={(value) => set({ template: value as PrepareOptions['template'] })}
            data={[
              { value: 'model', label: "Model's own", disabled: model !== null && !hasTemplate },
              { value: 'chatml', label: 'ChatML' },
            ]}
            disabled={disabled}
          />
        </Labelled>
      </SimpleGrid>
      <Switch
        label="Drop duplicate examples"
        checked={options.dropDuplicates}
        onChange={(event) => set({ dropDuplicates: event.currentTarget.checked })}
        disabled={disabled}
      />
      {model !== null && !hasTemplate && (
        <Text size="xs" c="dimmed">
          This model has no chat template of its own, so conversations are laid out with ChatML.
        </Text>
      )}
    </Stack>
  );
}

function Labelled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {children}
    </Stack>
  );
}
