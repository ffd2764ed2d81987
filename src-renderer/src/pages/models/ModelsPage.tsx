/**
 * The Models page: add GGUF base models (drop, dialogs, uploads, folders other apps keep),
 * see what each one is, and whether Lathe can train it.
 */
import { Stack, Text, Title } from '@mantine/core';
import { useCallback } from 'react';
import { selectMayAsk, useConnectionStore } from '../../store/connection';
import { selectAddDroppedFiles, useModelsStore } from '../../store/models';
import { useWindowFileDrop } from '../../components/intake/useWindowFileDrop';
import { DropZone } from './add/DropZone';
import { ModelUploads } from './add/ModelUploads';
import { notifyAdded } from './add/notify-added';
import { SuggestedFolders } from './add/SuggestedFolders';
import { ModelDetailsDrawer } from './details/ModelDetailsDrawer';
import { HubCard } from './hub/HubCard';
import { ModelsTableCard } from './table/ModelsTableCard';
import { useModelsPageData } from './useModelsPageData';

export function ModelsPage() {
  useModelsPageData();
  // While refused, the banner above says what to do; cards full of the same error would not.
  const mayAsk = useConnectionStore(selectMayAsk);
  const addDroppedFiles = useModelsStore(selectAddDroppedFiles);
  const onDrop = useCallback((files: File[]) => void addDroppedFiles(files).then(notifyAdded), [addDroppedFiles]);
  const dragging = useWindowFileDrop(onDrop);

  return (
    <Stack gap="lg" data-testid="page-models">
      <div>
        <Title order={2}>Models</Title>
        <Text c="dimmed" size="sm">
          GGUF base models to train from: the files you already have, or ones you add here.
        </Text>
      </div>
      {mayAsk && (
        <>
          <DropZone dragging={dragging} />
          <ModelUploads />
          <SuggestedFolders />
          <ModelsTableCard />
          <HubCard />
          <ModelDetailsDrawer />
        </>
      )}
    </Stack>
  );
}
