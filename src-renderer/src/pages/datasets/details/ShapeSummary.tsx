/** What Lathe thinks the rows are: the shape, how sure it is, why, and what else would fit. */
import { Badge, Group, List, Progress, Stack, Text } from '@mantine/core';
import type { DatasetEntry } from '../../../../../src-main/contract';
import { FactList } from '../../../components/FactList';
import { formatConfidence, formatDatasetFormat, formatInteger } from '../../../format/dataset';
import { SHAPE_LABELS } from '../../../store/datasets/shape-roles';

export function ShapeSummary({ dataset }: { dataset: DatasetEntry }) {
  const inspection = dataset.inspection;
  if (inspection === null) return null;
  const { detection } = inspection;
  const confidenceColor = detection.confidence >= 0.9 ? 'green' : detection.confidence >= 0.6 ? 'yellow' : 'red';
  return (
    <Stack gap="sm" mb="lg" data-testid="dataset-detection">
      <FactList
        facts={[
          { label: 'Format', value: formatDatasetFormat(dataset) },
          {
            label: dataset.mapping === null ? 'Detected shape' : 'Shape (your choice)',
            value: (
              <Group gap="xs">
                <Text span size="sm" ff="monospace" data-testid="dataset-detected-shape">
                  {detection.shape}
                </Text>
                <Text span size="sm" c="dimmed">
                  {SHAPE_LABELS[detection.shape]}
                </Text>
              </Group>
            ),
          },
          {
            label: 'Confidence',
            value: (
              <Group gap="sm" wrap="nowrap" maw={280}>
                <Progress value={detection.confidence * 100} color={confidenceColor} size="sm" style={{ flex: 1 }} aria-label="Confidence" />
                <Text span size="sm" data-testid="dataset-confidence">
                  {formatConfidence(detection.confidence)}
                </Text>
              </Group>
            ),
          },
          { label: 'Columns', value: inspection.columns.length === 0 ? '—' : inspection.columns.join(', ') },
          { label: 'Rows', value: `${formatInteger(inspection.rows)} (${formatInteger(inspection.valid)} usable, ${formatInteger(inspection.invalid)} with problems)` },
        ]}
      />
      {detection.evidence.length > 0 && (
        <List size="sm" spacing={2} c="dimmed" data-testid="dataset-evidence">
          {detection.evidence.map((sentence) => (
            <List.Item key={sentence}>{sentence}</List.Item>
          ))}
        </List>
      )}
      {detection.alternatives.length > 0 && (
        <Group gap={6}>
          <Text size="xs" c="dimmed">
            Also fits:
          </Text>
          {detection.alternatives.map((alternative) => (
            <Badge key={alternative.shape} variant="outline" color="gray" tt="none" size="sm">
              {alternative.shape} {formatConfidence(alternative.confidence)}
            </Badge>
          ))}
        </Group>
      )}
    </Stack>
  );
}
