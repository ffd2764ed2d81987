/** The history of runs: sortable by any column, rows reachable with the arrow keys, ticked for comparison. */
import { Button, Card, Group, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useMemo } from 'react';
import { CardHeading } from '../../../components/CardHeading';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { FactsSkeleton } from '../../../components/FactsSkeleton';
import {
  selectActionError,
  selectClearSelection,
  selectEventsError,
  selectOpenRun,
  selectOpenRunId,
  selectRuns,
  selectRunsError,
  selectSelectedIds,
  selectSetSort,
  selectSort,
  selectToggleSelected,
  useRunsStore,
  type RunSortKey,
} from '../../../store/runs';
import { sortRuns } from '../../../store/runs/run-list';
import { RunRow } from './RunRow';

const COLUMNS: readonly { key: RunSortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'model', label: 'Model' },
  { key: 'dataset', label: 'Dataset' },
  { key: 'preset', label: 'Preset' },
  { key: 'status', label: 'Status' },
  { key: 'steps', label: 'Steps' },
  { key: 'duration', label: 'Duration' },
  { key: 'trainLoss', label: 'Train loss' },
  { key: 'valLoss', label: 'Val loss' },
  { key: 'created', label: 'Created' },
];

export function RunsTableCard() {
  const runs = useRunsStore(selectRuns);
  const error = useRunsStore(selectRunsError);
  const eventsError = useRunsStore(selectEventsError);
  const actionError = useRunsStore(selectActionError);
  const sort = useRunsStore(selectSort);
  const setSort = useRunsStore(selectSetSort);
  const selected = useRunsStore(selectSelectedIds);
  const clearSelection = useRunsStore(selectClearSelection);
  const toggle = useRunsStore(selectToggleSelected);
  const openRun = useRunsStore(selectOpenRun);
  const openRunId = useRunsStore(selectOpenRunId);
  const sorted = useMemo(() => (runs === null ? null : sortRuns(runs, sort)), [runs, sort]);

  return (
    <Card withBorder radius="md" padding="lg" data-testid="runs-card">
      <CardHeading title="History">
        <Group gap="sm">
          {selected.length > 0 && (
            <Button size="xs" variant="subtle" onClick={clearSelection}>
              Clear selection ({selected.length})
            </Button>
          )}
          {runs !== null && (
            <Text size="sm" c="dimmed" data-testid="runs-count">
              {runs.length}
            </Text>
          )}
        </Group>
      </CardHeading>
      {error !== null && <ErrorNotice title="Could not list the runs" error={error} />}
      {eventsError !== null && <ErrorNotice title="Live updates stopped" error={eventsError} />}
      {actionError !== null && <ErrorNotice title="That did not work" error={actionError} />}
      {sorted === null ? (
        error === null && <FactsSkeleton rows={3} />
      ) : sorted.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="runs-empty">
          No runs yet: start one on the Train page.
        </Text>
      ) : (
        <>
          <Text size="xs" c="dimmed" mb="xs">
            Tick two or more runs to compare them. In the table: arrow keys move between runs, Enter opens one.
          </Text>
          <Table.ScrollContainer minWidth={1000}>
            <Table data-testid="runs-table" verticalSpacing="xs" highlightOnHover tabularNums>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={36}>
                    <VisuallyHidden>Compare</VisuallyHidden>
                  </Table.Th>
                  {COLUMNS.map((column) => {
                    const active = sort.key === column.key;
                    return (
                      <Table.Th key={column.key} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'} style={{ whiteSpace: 'nowrap' }}>
                        <UnstyledButton
                          fw={600}
                          fz="sm"
                          onClick={() => setSort({ key: column.key, descending: active ? !sort.descending : column.key === 'created' })}
                          data-testid={`runs-sort-${column.key}`}
                        >
                          {column.label}
                          {active ? (sort.descending ? ' ↓' : ' ↑') : ''}
                        </UnstyledButton>
                      </Table.Th>
                    );
                  })}
                  <Table.Th w={48}>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sorted.map((run) => (
                  <RunRow key={run.id} run={run} selected={selected.includes(run.id)} opened={run.id === openRunId} onOpen={openRun} onToggle={toggle} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Card>
  );
}
