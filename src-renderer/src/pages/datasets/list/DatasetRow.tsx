/** One dataset in the list: focusable, opened with a click or Enter. */
import { Table, Text } from '@mantine/core';
import type { DatasetEntry } from '../../../../../src-main/contract';
import { OpenableRow } from '../../../components/table/OpenableRow';
import { formatBytes } from '../../../format/bytes';
import { formatDatasetFormat, formatInteger } from '../../../format/dataset';
import { DatasetStatusBadge } from './DatasetStatusBadge';
import { ImportProgressCell } from './ImportProgressCell';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

interface DatasetRowProps {
  dataset: DatasetEntry;
  open: boolean;
  onOpen(id: string): void;
}

export function DatasetRow({ dataset, open, onOpen }: DatasetRowProps) {
  const inspection = dataset.inspection;
  // The person's choice when there is one, else what was detected.
  const shape = (dataset.mapping ?? inspection?.detection.mapping)?.shape;

  return (
    <OpenableRow onOpen={() => onOpen(dataset.id)} label={`${dataset.name}: open details`} selected={open} testId="dataset-row" data={{ 'data-dataset-id': dataset.id }}>
      <Table.Td style={{ maxWidth: 280 }}>
        <Text size="sm" fw={500} truncate="end" title={dataset.path} data-testid="dataset-name">
          {dataset.name}
        </Text>
      </Table.Td>
      <Table.Td style={NO_WRAP} title={formatDatasetFormat(dataset)}>
        {inspection === null ? '—' : <span data-testid="dataset-format">{inspection.format}</span>}
        {inspection?.csv != null && (
          <Text span size="xs" c="dimmed">
            {' '}
            {inspection.csv.separator === '\t' ? 'tab' : inspection.csv.separator}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={NO_WRAP}>
        {shape === undefined ? (
          '—'
        ) : (
          <Text span size="sm" ff="monospace" data-testid="dataset-shape">
            {shape}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={NO_WRAP} data-testid="dataset-rows">
        {formatInteger(inspection?.rows)}
      </Table.Td>
      <Table.Td style={NO_WRAP}>
        {inspection === null ? (
          '—'
        ) : (
          <Text span size="sm" c={inspection.invalid > 0 ? 'orange' : undefined} data-testid="dataset-invalid">
            {formatInteger(inspection.invalid)}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={NO_WRAP}>{inspection === null ? '—' : formatBytes(inspection.sizeBytes)}</Table.Td>
      <Table.Td>{dataset.status === 'importing' ? <ImportProgressCell datasetId={dataset.id} name={dataset.name} /> : <DatasetStatusBadge dataset={dataset} />}</Table.Td>
    </OpenableRow>
  );
}
