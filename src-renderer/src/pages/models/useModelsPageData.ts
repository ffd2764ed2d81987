/**
 * Keeps the Models page's data flowing while it is shown: follows `models.events` (so the
 * table follows files that appear, change or vanish, and hashing progress), and loads the
 * list and the suggested folders.
 */
import { useCallback } from 'react';
import { useLiveData } from '../../shell/useLiveData';
import { selectLoadModels, selectLoadSuggestedFolders, selectStartModelEvents, selectStopModelEvents, useModelsStore } from '../../store/models';

export function useModelsPageData(): void {
  const loadModels = useModelsStore(selectLoadModels);
  const loadSuggestedFolders = useModelsStore(selectLoadSuggestedFolders);
  const load = useCallback(() => {
    void loadModels();
    void loadSuggestedFolders();
  }, [loadModels, loadSuggestedFolders]);
  useLiveData(useModelsStore(selectStartModelEvents), useModelsStore(selectStopModelEvents), load);
}
