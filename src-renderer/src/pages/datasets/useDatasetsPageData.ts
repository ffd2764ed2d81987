/**
 * Keeps the Datasets page's data flowing while it is shown: follows `datasets.events` (imports'
 * progress, files that change or vanish), loads the list, and the models the preparation
 * controls offer.
 */
import { useCallback } from 'react';
import { useLiveData } from '../../shell/useLiveData';
import { selectLoadDatasets, selectStartDatasetEvents, selectStopDatasetEvents, useDatasetsStore } from '../../store/datasets';
import { selectLoadModels, useModelsStore } from '../../store/models';

export function useDatasetsPageData(): void {
  const loadDatasets = useDatasetsStore(selectLoadDatasets);
  const loadModels = useModelsStore(selectLoadModels);
  const load = useCallback(() => {
    void loadDatasets();
    void loadModels();
  }, [loadDatasets, loadModels]);
  useLiveData(useDatasetsStore(selectStartDatasetEvents), useDatasetsStore(selectStopDatasetEvents), load);
}
