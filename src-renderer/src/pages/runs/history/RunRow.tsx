/** One run in the history: opened with a click, Enter or Space; its checkbox ticks it for comparison. */
import { Checkbox, Table, Text } from '@mantine/core';
import type { RunEntry } from '../../../../../src-main/contract';
import { formatDuration, formatCreated, formatLoss } from '../../../format/run';
import { OpenableRow } from '../../../components/table/OpenableRow';
import { RunStatusBadge } from '../live/RunStatusBadge';
import { RunRowActions } from './RunRowActions';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

interface RunRowProps {
  run: RunEntry;
  selected: boolean;
  opened: boolean;
  onOpen(id: string): void;
  onToggle(id: string): void;
}

export function RunRow({ run, selected, opened, onOpen, onToggle }: RunRowProps) {
  return (
    <OpenableRow onOpen={() => onOpen(run.id)} label={`${run.name}: open`} selected={opened} testId="run-row" data={{ 'data-run-id': run.id }}>
      <Table.Td onClick={(event) => event.stopPropagation()}>
        <Checkbox checked={selected} onChange={() => onToggle(run.id)} aria-label={`Compare ${run.name}`} data-testid="run-compare-toggle" />
      </Table.Td>
      <Table.Td style={{ maxWidth: 260 }}>
        <Text size="sm" fw={500} truncate="end" title={run.name} data-testid="run-row-name">
          {run.name}
        </Text>
      </Table.Td>
      <Table.Td style={{ maxWidth: 180 }}>
        <Text size="sm" truncate="end">
          {run.modelName}
        </Text>
      </Table.Td>
      <Table.Td style={{ maxWidth: 180 }}>
        <Text size="sm" truncate="end">
          {run.datasetName}
        </Text>
      </Table.Td>
      <Table.Td style={NO_WRAP}>{run.preset}</Table.Td>
      <Table.Td style={NO_WRAP}>
        <RunStatusBadge run={run} testId="run-row-status" />
      </Table.Td>
      <Table.Td style={NO_WRAP} data-testid="run-row-steps">
        {run.step}
        {run.totalSteps === null ? '' : ` / ${run.totalSteps}`}
      </Table.Td>
      <Table.Td style={NO_WRAP}>{formatDuration(run.activeSeconds)}</Table.Td>
      <Table.Td style={NO_WRAP} data-testid="run-row-train-loss">
        {formatLoss(run.trainLoss)}
      </Table.Td>
      <Table.Td style={NO_WRAP} data-testid="run-row-val-loss">
        {formatLoss(run.valLoss)}
      </Table.Td>
      <Table.Td style={NO_WRAP}>{formatCreated(run.createdAt)}</Table.Td>
      <Table.Td onClick={(event) => event.stopPropagation()}>
        <RunRowActions run={run} />
      </Table.Td>
    </OpenableRow>
  );
}
