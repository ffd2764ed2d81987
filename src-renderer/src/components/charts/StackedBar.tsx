/**
 * Parts of a whole against a limit, as one horizontal bar: each part a coloured segment,
 * the limit a mark. The memory-fit view uses it for the estimate's parts against the
 * device's budget; when the parts pass the limit the scale grows so the overflow shows.
 */
import { Group, Text, Tooltip } from '@mantine/core';

export interface BarPart {
  key: string;
  label: string;
  value: number;
  color: string;
  /** Shown on hover. */
  detail?: string;
}

interface StackedBarProps {
  parts: readonly BarPart[];
  limit: number;
  limitLabel: string;
  format: (value: number) => string;
  label: string;
  testId?: string;
}

export function StackedBar({ parts, limit, limitLabel, format, label, testId }: StackedBarProps) {
  const total = parts.reduce((sum, part) => sum + Math.max(0, part.value), 0);
  const scale = Math.max(total, limit, 1);
  const limitAt = (limit / scale) * 100;
  return (
    <div data-testid={testId}>
      <div role="img" aria-label={label} style={{ position: 'relative', height: 22, borderRadius: 4, overflow: 'hidden', background: 'var(--mantine-color-default-hover)', display: 'flex' }}>
        {parts.map((part) =>
          part.value <= 0 ? null : (
            <Tooltip key={part.key} label={part.detail ?? `${part.label}: ${format(part.value)}`} multiline maw={360} withinPortal>
              <div style={{ width: `${(part.value / scale) * 100}%`, background: `var(--mantine-color-${part.color}-filled)` }} data-part={part.key} />
            </Tooltip>
          ),
        )}
        <div
          aria-hidden
          style={{ position: 'absolute', left: `calc(${limitAt}% - 1px)`, top: 0, bottom: 0, width: 2, background: 'var(--mantine-color-text)' }}
          title={limitLabel}
        />
      </div>
      <Group gap="sm" mt={6}>
        {parts.map((part) => (
          <Group key={part.key} gap={4} wrap="nowrap">
            <span style={{ width: 10, height: 10, borderRadius: 2, background: `var(--mantine-color-${part.color}-filled)`, display: 'inline-block' }} />
            <Text size="xs">
              {part.label} {format(part.value)}
            </Text>
          </Group>
        ))}
        <Text size="xs" c="dimmed">
          | {limitLabel}
        </Text>
      </Group>
    </div>
  );
}
