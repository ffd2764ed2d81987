/**
 * Keeps the Models page's data flowing while it is shown: follows `models.events` (so the
 * table follows files that appear, change or vanish, and hashing progress), and loads the
 * list and the suggested folders. Both start again when a lost web connection comes back
 * (the old stream died with it, and changes may have been missed) and when a refused
 * browser is let in; while refused, nothing is asked.
 */
import { useEffect } from 'react';
import { selectMayAsk, selectReconnects, useConnectionStore } from '../../store/connection';
import { selectLoadModels, selectLoadSuggestedFolders, selectStartModelEvents, selectStopModelEvents, useModelsStore } from '../../store/models';

export function useModelsPageData(): void {
  const reconnects = useConnectionStore(selectReconnects);
  const mayAsk = useConnectionStore(selectMayAsk);
  const loadModels = useModelsStore(selectLoadModels);
  const loadSuggestedFolders = useModelsStore(selectLoadSuggestedFolders);
  const startEvents = useModelsStore(selectStartModelEvents);
  const stopEvents = useModelsStore(selectStopModelEvents);

  // Subscribe before loading: a change between the list's answer and the subscription would be lost.
  useEffect(() => {
    if (!mayAsk) return;
    startEvents();
    return () => stopEvents();
  }, [startEvents, stopEvents, mayAsk, reconnects]);

  useEffect(() => {
    if (!mayAsk) return;
    void loadModels();
    void loadSuggestedFolders();
  }, [loadModels, loadSuggestedFolders, mayAsk, reconnects]);
}
