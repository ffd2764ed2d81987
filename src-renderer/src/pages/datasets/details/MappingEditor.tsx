/**
 * Overriding how rows are read: another shape, or other columns for its parts. Saving checks
 * every row again in the background; "Use detected" goes back to what Lathe found.
 */
import { Button, Group, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { ColumnMapping, DatasetEntry, DatasetShape } from '../../../../../src-main/contract';
import { selectSetMapping, useDatasetsStore } from '../../../store/datasets';
import { mappingForShape, missingRoles, sameMapping, SHAPE_LABELS, SHAPE_ROLES, SHAPES } from '../../../store/datasets/shape-roles';

const NONE = '';

export function MappingEditor({ dataset }: { dataset: DatasetEntry }) {
  const inspection = dataset.inspection;
  const setMapping = useDatasetsStore(selectSetMapping);
  const current = dataset.mapping ?? inspection?.detection.mapping ?? null;
  const [draft, setDraft] = useState<ColumnMapping | null>(current);
  const [saving, setSaving] = useState(false);
  if (inspection === null || current === null || draft === null || inspection.format === 'text') return null;

  const columns = inspection.columns;
  const roles = SHAPE_ROLES[draft.shape];
  const missing = missingRoles(draft);
  const changed = !sameMapping(draft, current);
  const busy = saving || dataset.status === 'importing';

  const save = async (mapping: ColumnMapping | null) => {
    setSaving(true);
    const saved = await setMapping(dataset.id, mapping);
    setSaving(false);
    if (saved && mapping === null) setDraft(inspection.detection.mapping);
  };

  const setColumn = (role: string, column: string | null) => {
    const next = { ...draft.columns };
    if (column === null || column === NONE) delete next[role];
    else next[role] = column;
    setDraft({ ...draft, columns: next });
  };

  return (
    <Stack gap="sm" mb="lg" data-testid="dataset-mapping">
      <Title order={4} size="h5">
        How rows are read
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Select
          label="Shape"
          data={SHAPES.map((shape) => ({ value: shape, label: `${shape} — ${SHAPE_LABELS[shape]}` }))}
          value={draft.shape}
          onChange={(shape) => shape !== null && setDraft(mappingForShape(shape as DatasetShape, draft, columns))}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          data-testid="dataset-mapping-shape"
        />
        {columns.length > 0 &&
          [...roles.required, ...roles.optional].map((role) => (
            <Select
              key={role}
              label={roles.required.includes(role) ? role : `${role} (optional)`}
              data={[...(roles.required.includes(role) ? [] : [{ value: NONE, label: '— none —' }]), ...columns.map((column) => ({ value: column, label: column }))]}
              value={draft.columns[role] ?? (roles.required.includes(role) ? null : NONE)}
              onChange={(column) => setColumn(role, column)}
              placeholder="Choose a column"
              error={missing.includes(role) ? 'Needs a column' : undefined}
              data-testid={`dataset-mapping-column-${role}`}
            />
          ))}
      </SimpleGrid>
      <Group gap="sm">
        <Button size="xs" disabled={!changed || missing.length > 0} loading={busy && changed} onClick={() => void save(draft)} data-testid="dataset-mapping-save">
          Save and check the rows again
        </Button>
        {dataset.mapping !== null && (
          <Button size="xs" variant="default" disabled={busy} onClick={() => void save(null)} data-testid="dataset-mapping-reset">
            Use detected
          </Button>
        )}
        {changed && (
          <Button size="xs" variant="subtle" color="gray" onClick={() => setDraft(current)}>
            Undo changes
          </Button>
        )}
      </Group>
      {columns.length === 0 && (
        <Text size="xs" c="dimmed">
          The rows have no named columns, so only the shape can be chosen.
        </Text>
      )}
    </Stack>
  );
}
