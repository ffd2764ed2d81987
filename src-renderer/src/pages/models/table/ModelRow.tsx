/** One model in the table: focusable, opened with a click or Enter. */
import { Table, Text } from '@mantine/core';
import type { KeyboardEvent } from 'react';
import type { ModelEntry } from '../../../../../src-main/contract';
import { formatBytes } from '../../../format/bytes';
import { formatFileType, modelDisplayName } from '../../../format/model';
import { formatCount } from '../../../format/numbers';
import { formatParameterCount } from '../../../format/parameters';
import { ModelStatusBadge, TrainableBadge } from './ModelBadges';
import { focusRow, rowMoveForKey } from './row-focus';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

interface ModelRowProps {
  model: ModelEntry;
  onOpen(id: string): void;
}

export function ModelRow({ model, onOpen }: ModelRowProps) {
  const facts = model.facts;
  const name = modelDisplayName(model);

  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(model.id);
      return;
    }
    const move = rowMoveForKey(event.key);
    if (move !== null) {
      event.preventDefault();
      focusRow(event.currentTarget, move);
    }
  };

  return (
    <Table.Tr
      tabIndex={0}
      onClick={() => onOpen(model.id)}
      onKeyDown={onKeyDown}
      aria-label={`${name}: open details`}
      style={{ cursor: 'pointer' }}
      data-testid="model-row"
      data-model-id={model.id}
    >
      <Table.Td style={{ maxWidth: 320 }}>
        <Text size="sm" fw={500} truncate="end" title={model.path} data-testid="model-name">
          {name}
        </Text>
        {model.alias !== null && model.alias !== name && (
          <Text size="xs" c="dimmed" truncate="end">
            {model.alias}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={NO_WRAP} data-testid="model-architecture">
        {facts?.architecture ?? '—'}
      </Table.Td>
      <Table.Td style={NO_WRAP} data-testid="model-parameters">
        {facts === null ? '—' : formatParameterCount(facts.parameterCount)}
      </Table.Td>
      <Table.Td style={NO_WRAP}>{formatFileType(facts?.fileType ?? null)}</Table.Td>
      <Table.Td style={NO_WRAP}>{facts === null ? '—' : formatBytes(facts.fileSizeBytes)}</Table.Td>
      <Table.Td style={NO_WRAP}>{formatCount(facts?.contextLength ?? null)}</Table.Td>
      <Table.Td>
        <ModelStatusBadge model={model} />
      </Table.Td>
      <Table.Td>
        <TrainableBadge model={model} />
      </Table.Td>
    </Table.Tr>
  );
}
