/** One model in the table: focusable, opened with a click or Enter. */
import { Table, Text } from '@mantine/core';
import type { ModelEntry } from '../../../../../src-main/contract';
import { OpenableRow } from '../../../components/table/OpenableRow';
import { formatBytes } from '../../../format/bytes';
import { formatFileType, modelDisplayName } from '../../../format/model';
import { formatCount } from '../../../format/numbers';
import { formatParameterCount } from '../../../format/parameters';
import { ModelStatusBadge, TrainableBadge } from './ModelBadges';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

interface ModelRowProps {
  model: ModelEntry;
  onOpen(id: string): void;
}

export function ModelRow({ model, onOpen }: ModelRowProps) {
  const facts = model.facts;
  const name = modelDisplayName(model);

  return (
    <OpenableRow onOpen={() => onOpen(model.id)} label={`${name}: open details`} testId="model-row" data={{ 'data-model-id': model.id }}>
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
    </OpenableRow>
  );
}
