/**
 * What the Train page needs while it is shown: models and datasets (followed live, so a
 * model added elsewhere or the sample set finishing its import shows up). The runs are
 * followed by the whole window (App.tsx).
 */
import { useCallback } from 'react';
import { useLiveData } from '../../shell/useLiveData';
import { selectLoadDatasets, selectStartDatasetEvents, selectStopDatasetEvents, useDatasetsStore } from '../../store/datasets';
import { selectLoadModels, selectStartModelEvents, selectStopModelEvents, useModelsStore } from '../../store/models';

export function useTrainPageData(): void {
  const loadModels = useModelsStore(selectLoadModels);
  const loadDatasets = useDatasetsStore(selectLoadDatasets);
  useLiveData(useModelsStore(selectStartModelEvents), useModelsStore(selectStopModelEvents), useCallback(() => void loadModels(), [loadModels]));
  useLiveData(useDatasetsStore(selectStartDatasetEvents), useDatasetsStore(selectStopDatasetEvents), useCallback(() => void loadDatasets(), [loadDatasets]));
}
