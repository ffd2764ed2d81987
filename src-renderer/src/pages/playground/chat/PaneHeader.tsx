/** A pane's adapter (the base, or a finished run's adapter or checkpoint) and its strength. */
import { ActionIcon, Group, Select, Slider, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { AdapterOption, ChatPane } from '../../../../../src-main/contract';
import { adapterKey } from '../../../store/playground/panes';

interface PaneHeaderProps {
  pane: ChatPane;
  index: number;
  adapters: readonly AdapterOption[];
  canRemove: boolean;
  disabled: boolean;
  onAdapter(option: AdapterOption | null): void;
  onScale(scale: number): void;
  onRemove(): void;
}

export function PaneHeader({ pane, index, adapters, canRemove, disabled, onAdapter, onScale, onRemove }: PaneHeaderProps) {
  const options = useMemo(() => [{ value: 'base', label: 'Base model (no adapter)' }, ...adapters.map((option) => ({ value: adapterKey(option), label: option.label }))], [adapters]);
  const scale = pane.adapter.kind === 'run' ? pane.adapter.scale : 1;
  // The slider moves freely; the conversation is saved when it is let go.
  const [dragged, setDragged] = useState<number | null>(null);
  const shownScale = dragged ?? scale;

  return (
    <Stack gap={6} data-testid="chat-pane-header" data-pane-index={index} data-adapter={adapterKey(pane.adapter)}>
      <Group gap={4} wrap="nowrap" align="flex-end">
        <Select
          aria-label={`Pane ${index + 1}: adapter`}
          data={options}
          value={adapterKey(pane.adapter)}
          onChange={(value) => onAdapter(value === null || value === 'base' ? null : (adapters.find((option) => adapterKey(option) === value) ?? null))}
          allowDeselect={false}
          disabled={disabled}
          style={{ flex: 1 }}
          data-testid="chat-pane-adapter"
        />
        {canRemove && (
          <ActionIcon variant="subtle" aria-label={`Remove pane ${index + 1}`} onClick={onRemove} disabled={disabled} data-testid="chat-pane-remove">
            ✕
          </ActionIcon>
        )}
      </Group>
      {pane.adapter.kind === 'run' && (
        <div>
          <Text size="xs" c="dimmed" id={`pane-${index}-scale`}>
            Adapter strength {shownScale.toFixed(2)}
          </Text>
          <Slider
            aria-labelledby={`pane-${index}-scale`}
            min={0}
            max={2}
            step={0.05}
            value={shownScale}
            onChange={setDragged}
            onChangeEnd={(value) => {
              setDragged(null);
              onScale(value);
            }}
            disabled={disabled}
            marks={[{ value: 0 }, { value: 1, label: '1' }, { value: 2, label: '2' }]}
            data-testid="chat-pane-scale"
          />
        </div>
      )}
    </Stack>
  );
}
