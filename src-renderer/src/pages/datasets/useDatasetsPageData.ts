/**
 * Keeps the Datasets page's data flowing while it is shown: follows `datasets.events` (imports'
 * progress, files that change or vanish), loads the list, and the models the preparation
 * controls offer. All start again when a lost web connection comes back and when a refused
 * browser is let in; while refused, nothing is asked.
 */
import { useEffect } from 'react';
import { selectMayAsk, selectReconnects, useConnectionStore } from '../../store/connection';
import { selectLoadDatasets, selectStartDatasetEvents, selectStopDatasetEvents, useDatasetsStore } from '../../store/datasets';
import { selectLoadModels, useModelsStore } from '../../store/models';

export function useDatasetsPageData(): void {
  const reconnects = useConnectionStore(selectReconnects);
  const mayAsk = useConnectionStore(selectMayAsk);
  const loadDatasets = useDatasetsStore(selectLoadDatasets);
  const startEvents = useDatasetsStore(selectStartDatasetEvents);
  const stopEvents = useDatasetsStore(selectStopDatasetEvents);
  const loadModels = useModelsStore(selectLoadModels);

  // Subscribe before loading: a change between the list's answer and the subscription would be lost.
  useEffect(() => {
    if (!mayAsk) return;
    startEvents();
    return () => stopEvents();
  }, [startEvents, stopEvents, mayAsk, reconnects]);

  useEffect(() => {
    if (!mayAsk) return;
    void loadDatasets();
    void loadModels();
  }, [loadDatasets, loadModels, mayAsk, reconnects]);
}
