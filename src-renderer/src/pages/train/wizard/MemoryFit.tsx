/**
 * Will it fit: the estimate's parts stacked against the device's budget, the verdict,
 * activations with and without checkpointing, and the estimator's suggestions, each single
 * change with an Apply button.
 */
import { Badge, Button, Group, List, Stack, Text } from '@mantine/core';
import type { MemoryFit as Fit, MemoryPartName, RunPlan } from '../../../../../src-main/contract';
import { StackedBar, type BarPart } from '../../../components/charts/StackedBar';
import { formatBytes } from '../../../format/bytes';
import { selectChangeSettings, useRunsStore } from '../../../store/runs';
import { suggestionOverrides } from '../../../store/runs/suggestion-change';

const PARTS: readonly { name: MemoryPartName; label: string; color: string }[] = [
  { name: 'weights', label: 'Weights', color: 'blue' },
  { name: 'adapter', label: 'Adapter', color: 'teal' },
  { name: 'gradients', label: 'Gradients', color: 'lime' },
  { name: 'optimizer', label: 'Optimizer', color: 'yellow' },
  { name: 'activations', label: 'Activations', color: 'orange' },
  { name: 'logits', label: 'Logits', color: 'red' },
  { name: 'workspace', label: 'Workspace', color: 'gray' },
];

const VERDICT: Record<Fit, { label: string; color: string }> = {
  yes: { label: 'fits', color: 'green' },
  tight: { label: 'tight', color: 'yellow' },
  no: { label: 'does not fit', color: 'red' },
};

export function MemoryFit({ plan }: { plan: RunPlan }) {
  const changeSettings = useRunsStore(selectChangeSettings);
  const { memory, device } = plan;
  const budget = device.freeBytes ?? device.totalBytes;
  const parts: BarPart[] = PARTS.map((part) => ({
    key: part.name,
    label: part.label,
    value: memory.parts[part.name].bytes,
    color: part.color,
    detail: memory.parts[part.name].explanation,
  }));
  const verdict = VERDICT[memory.fits];

  return (
    <Stack gap="sm" data-testid="train-memory">
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          Memory on {device.label}: {formatBytes(memory.totalBytes)} of {formatBytes(budget)}
        </Text>
        <Badge color={verdict.color} variant="light" tt="none" data-testid="train-memory-verdict" data-fits={memory.fits}>
          {verdict.label}
        </Badge>
      </Group>
      <StackedBar
        parts={parts}
        limit={budget}
        limitLabel={`${device.freeBytes === undefined ? 'total' : 'free'} ${formatBytes(budget)}`}
        format={formatBytes}
        label={`Estimated ${formatBytes(memory.totalBytes)} against ${formatBytes(budget)} available: ${verdict.label}`}
        testId="train-memory-bar"
      />
      <Text size="xs" c="dimmed">
        Activations: {formatBytes(memory.activationsWithoutCheckpointing)} without gradient checkpointing, {formatBytes(memory.activationsWithCheckpointing)} with it
        {plan.settings.gradientCheckpointing ? ' (on)' : ' (off)'}.
      </Text>
      {memory.suggestions.length > 0 && (
        <List size="sm" spacing={6} data-testid="train-memory-suggestions">
          {memory.suggestions.map((text, index) => {
            // `changes` lines up with the first suggestions; the closing combined line has none.
            const suggestion = memory.changes[index];
            const change = suggestion === undefined ? null : suggestionOverrides(suggestion, plan.settings);
            return (
              <List.Item key={text}>
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Text size="sm">{text}</Text>
                  {change !== null && (
                    <Button size="compact-xs" variant="light" onClick={() => changeSettings(change)} data-testid="train-apply-suggestion">
                      Apply
                    </Button>
                  )}
                </Group>
              </List.Item>
            );
          })}
        </List>
      )}
    </Stack>
  );
}
