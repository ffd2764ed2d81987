/** The models Lathe knows, searchable, each opening its details. */
import { Card, Table, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo } from 'react';
import type { ModelEntry } from '../../../../../src-main/contract';
import { CardHeading } from '../../../components/CardHeading';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { FactsSkeleton } from '../../../components/FactsSkeleton';
import { selectEventsError, selectModels, selectModelsError, selectOpenDetails, selectQuery, useModelsStore } from '../../../store/models';
import { filterModels } from '../../../store/models/model-search';
import { ModelRow } from './ModelRow';
import { ModelSearch } from './ModelSearch';

/** Long enough to skip the keystrokes of a word being typed, short enough to feel immediate. */
const SEARCH_DEBOUNCE_MS = 150;

export function ModelsTableCard() {
  const models = useModelsStore(selectModels);
  const error = useModelsStore(selectModelsError);
  const eventsError = useModelsStore(selectEventsError);
  const query = useModelsStore(selectQuery);
  const [searched] = useDebouncedValue(query, SEARCH_DEBOUNCE_MS);
  const shown = useMemo(() => (models === null ? null : filterModels(models, searched)), [models, searched]);

  return (
    <Card withBorder radius="md" padding="lg" data-testid="models-card">
      <CardHeading title="Models">
        {models !== null && (
          <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }} data-testid="models-count">
            {shown !== null && shown.length !== models.length ? `${shown.length} of ${models.length}` : models.length}
          </Text>
        )}
      </CardHeading>
      {error !== null && <ErrorNotice title="Could not list the models" error={error} />}
      {eventsError !== null && <ErrorNotice title="Live updates stopped" error={eventsError} />}
      <ModelSearch />
      {shown === null ? (
        error === null && (
          <div style={{ marginTop: 'var(--mantine-spacing-md)' }}>
            <FactsSkeleton rows={4} />
          </div>
        )
      ) : shown.length === 0 ? (
        <Text size="sm" c="dimmed" mt="md" data-testid="models-empty">
          {models !== null && models.length > 0 ? `No model matches “${searched}”.` : 'No models yet: drop a .gguf file above, or add one of the folders Lathe found.'}
        </Text>
      ) : (
        <ModelsTable models={shown} />
      )}
    </Card>
  );
}

function ModelsTable({ models }: { models: readonly ModelEntry[] }) {
  const openDetails = useModelsStore(selectOpenDetails);
  return (
    <Table.ScrollContainer minWidth={860} mt="md">
      <Table data-testid="models-table" verticalSpacing="xs" highlightOnHover tabularNums>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Architecture</Table.Th>
            <Table.Th>Parameters</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>Context</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Training</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {models.map((model) => (
            <ModelRow key={model.id} model={model} onOpen={openDetails} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
