/** An import under way: a bar by bytes read, rows so far, rows per second, time left, and Cancel. */
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { formatInteger, formatPerSecond } from '../../../format/dataset';
import { formatEta } from '../../../format/transfer';
import { selectCancelImport, selectImportProgressOf, useDatasetsStore } from '../../../store/datasets';

export function ImportProgressCell({ datasetId, name }: { datasetId: string; name: string }) {
  const selectProgress = useMemo(() => selectImportProgressOf(datasetId), [datasetId]);
  const progress = useDatasetsStore(selectProgress);
  const cancelImport = useDatasetsStore(selectCancelImport);
  const percent = progress !== null && progress.bytesTotal > 0 ? Math.min(100, (progress.bytesDone / progress.bytesTotal) * 100) : 0;
  const words =
    progress === null
      ? 'Starting…'
      : [`${formatInteger(progress.rows)} rows`, formatPerSecond(progress.rowsPerSecond, 'rows'), progress.etaSeconds === null ? null : `${formatEta(progress.etaSeconds)} left`]
          .filter((part) => part !== null && part !== '—')
          .join(' · ');
  return (
    <Stack gap={2} miw={200} data-testid="dataset-import-progress">
      <Group gap="xs" wrap="nowrap" justify="space-between">
        <Progress value={percent} size="sm" style={{ flex: 1 }} animated={progress === null} aria-label={`Import of ${name}`} />
        <Button
          size="compact-xs"
          variant="subtle"
          color="gray"
          onClick={(event) => {
            event.stopPropagation(); // the row opens the details on click
            void cancelImport(datasetId);
          }}
          data-testid="dataset-cancel-import"
        >
          Cancel
        </Button>
      </Group>
      <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        {words}
      </Text>
    </Stack>
  );
}
