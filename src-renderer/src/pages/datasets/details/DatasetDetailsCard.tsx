/** Everything about the dataset opened in the list: its report, mapping, rows, and preparation. */
import { Alert, Button, Card, Group, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { DatasetEntry } from '../../../../../src-main/contract';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { selectActionError, selectCloseDataset, selectOpenDataset, selectReimport, useDatasetsStore } from '../../../store/datasets';
import { DatasetStatusBadge } from '../list/DatasetStatusBadge';
import { PreparePanel } from '../prepare/PreparePanel';
import { MappingEditor } from './MappingEditor';
import { PreviewPanel } from './PreviewPanel';
import { RemoveDatasetModal } from './RemoveDatasetModal';
import { ShapeSummary } from './ShapeSummary';
import { useOpenDatasetData } from './useOpenDatasetData';
import { ValidationReport } from './ValidationReport';

export function DatasetDetailsCard() {
  const dataset = useDatasetsStore(selectOpenDataset);
  if (dataset === null) return null;
  // `key`: another dataset starts with its own tab and form state.
  return <DatasetDetails key={dataset.id} dataset={dataset} />;
}

function DatasetDetails({ dataset }: { dataset: DatasetEntry }) {
  useOpenDatasetData(dataset);
  const actionError = useDatasetsStore(selectActionError);
  const reimport = useDatasetsStore(selectReimport);
  const close = useDatasetsStore(selectCloseDataset);
  const [removing, setRemoving] = useState(false);
  const [tab, setTab] = useState<string | null>('report');

  return (
    <Card withBorder radius="md" padding="lg" data-testid="dataset-details" data-dataset-id={dataset.id}>
      <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Group gap="sm" wrap="nowrap">
            <Title order={3} size="h4" style={{ overflowWrap: 'anywhere' }}>
              {dataset.name}
            </Title>
            <DatasetStatusBadge dataset={dataset} />
          </Group>
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {dataset.owned ? 'Uploaded, kept in Lathe’s data folder' : dataset.path}
          </Text>
        </div>
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" size="xs" disabled={dataset.status === 'importing' || dataset.status === 'missing'} onClick={() => void reimport(dataset.id)} data-testid="dataset-reimport">
            Re-import
          </Button>
          <Button variant="light" color="red" size="xs" onClick={() => setRemoving(true)} data-testid="dataset-remove">
            Remove…
          </Button>
          <Button variant="subtle" color="gray" size="xs" onClick={close} aria-label="Close the details">
            Close
          </Button>
        </Group>
      </Group>
      {dataset.problem !== null && (
        <Alert color={dataset.status === 'failed' ? 'red' : 'yellow'} variant="light" mb="md" title={PROBLEM_TITLE[dataset.status]} data-testid="dataset-problem">
          <Text size="sm">{dataset.problem}</Text>
        </Alert>
      )}
      {actionError !== null && <ErrorNotice title="That did not work" error={actionError} />}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="report" data-testid="dataset-tab-report">
            Report
          </Tabs.Tab>
          <Tabs.Tab value="preview" data-testid="dataset-tab-preview">
            Rows
          </Tabs.Tab>
          <Tabs.Tab value="prepare" data-testid="dataset-tab-prepare">
            Prepare
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="report">
          {dataset.inspection === null ? (
            <Text size="sm" c="dimmed">
              {dataset.status === 'importing' ? 'Lathe is reading the file; the report appears when it is done.' : 'The file has not been read yet.'}
            </Text>
          ) : (
            <>
              <ShapeSummary dataset={dataset} />
              <MappingEditor dataset={dataset} />
              <ValidationReport dataset={dataset} />
            </>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="preview">
          <PreviewPanel dataset={dataset} />
        </Tabs.Panel>
        <Tabs.Panel value="prepare">
          <PreparePanel dataset={dataset} />
        </Tabs.Panel>
      </Tabs>
      <RemoveDatasetModal dataset={dataset} opened={removing} onClose={() => setRemoving(false)} />
    </Card>
  );
}

const PROBLEM_TITLE: Record<DatasetEntry['status'], string> = {
  importing: 'Note',
  ready: 'Note',
  stale: 'The report is out of date',
  missing: 'The file is missing',
  failed: 'The file could not be read as a dataset',
};
