/** The datasets Lathe knows, each opening its details below. */
import { Card, Table, Text } from '@mantine/core';
import { CardHeading } from '../../../components/CardHeading';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { FactsSkeleton } from '../../../components/FactsSkeleton';
import { selectDatasets, selectDatasetsError, selectEventsError, selectOpenDatasetAction, selectOpenDatasetId, useDatasetsStore } from '../../../store/datasets';
import { DatasetRow } from './DatasetRow';

export function DatasetsTableCard() {
  const datasets = useDatasetsStore(selectDatasets);
  const error = useDatasetsStore(selectDatasetsError);
  const eventsError = useDatasetsStore(selectEventsError);
  const openId = useDatasetsStore(selectOpenDatasetId);
  const openDataset = useDatasetsStore(selectOpenDatasetAction);

  return (
    <Card withBorder radius="md" padding="lg" data-testid="datasets-card">
      <CardHeading title="Datasets">
        {datasets !== null && (
          <Text size="sm" c="dimmed" data-testid="datasets-count">
            {datasets.length}
          </Text>
        )}
      </CardHeading>
      {error !== null && <ErrorNotice title="Could not list the datasets" error={error} />}
      {eventsError !== null && <ErrorNotice title="Live updates stopped" error={eventsError} />}
      {datasets === null ? (
        error === null && <FactsSkeleton rows={3} />
      ) : datasets.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="datasets-empty">
          No datasets yet: drop a file above.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table data-testid="datasets-table" verticalSpacing="xs" highlightOnHover tabularNums>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Format</Table.Th>
                <Table.Th>Shape</Table.Th>
                <Table.Th>Rows</Table.Th>
                <Table.Th>Bad rows</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {datasets.map((dataset) => (
                <DatasetRow key={dataset.id} dataset={dataset} open={dataset.id === openId} onOpen={openDataset} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
