/**
 * The Datasets page: add the files to train on, see what Lathe made of each (format, shape,
 * every bad row with its line), fix how columns are read, look at rows as a model will see
 * them, and prepare them for a model.
 */
import { Stack, Text, Title } from '@mantine/core';
import { useCallback } from 'react';
import { selectMayAsk, useConnectionStore } from '../../store/connection';
import { selectAddDroppedFiles, useDatasetsStore } from '../../store/datasets';
import { useWindowFileDrop } from '../../components/intake/useWindowFileDrop';
import { DatasetDropZone } from './add/DatasetDropZone';
import { DatasetUploads } from './add/DatasetUploads';
import { DatasetDetailsCard } from './details/DatasetDetailsCard';
import { DatasetsTableCard } from './list/DatasetsTableCard';
import { useDatasetsPageData } from './useDatasetsPageData';

export function DatasetsPage() {
  useDatasetsPageData();
  // While refused, the banner above says what to do; cards full of the same error would not.
  const mayAsk = useConnectionStore(selectMayAsk);
  const addDroppedFiles = useDatasetsStore(selectAddDroppedFiles);
  const onDrop = useCallback((files: File[]) => void addDroppedFiles(files), [addDroppedFiles]);
  const dragging = useWindowFileDrop(onDrop);

  return (
    <Stack gap="lg" data-testid="page-datasets">
      <div>
        <Title order={2}>Datasets</Title>
        <Text c="dimmed" size="sm">
          The examples a model learns from: every row checked, the bad ones reported by line, the rest ready to prepare.
        </Text>
      </div>
      {mayAsk && (
        <>
          <DatasetDropZone dragging={dragging} />
          <DatasetUploads />
          <DatasetsTableCard />
          <DatasetDetailsCard />
        </>
      )}
    </Stack>
  );
}
