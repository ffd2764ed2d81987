/**
 * What the Playground needs while it is shown: the models (followed live), its model's
 * conversations and adapters, and — when it was opened with "Chat with this run" — a new
 * conversation with the base and that run's adapter side by side.
 */
import { useCallback, useEffect } from 'react';
import { useLiveData } from '../../shell/useLiveData';
import { selectMayAsk, useConnectionStore } from '../../store/connection';
import { selectLoadModels, selectStartModelEvents, selectStopModelEvents, useModelsStore } from '../../store/models';
import { selectLoadAdapters, selectLoadConversations, selectOpenRunToOpen, selectRunToOpen, usePlaygroundStore } from '../../store/playground';
import { selectRuns, useRunsStore } from '../../store/runs';

export function usePlaygroundPageData(): void {
  const loadModels = useModelsStore(selectLoadModels);
  useLiveData(useModelsStore(selectStartModelEvents), useModelsStore(selectStopModelEvents), useCallback(() => void loadModels(), [loadModels]));

  const mayAsk = useConnectionStore(selectMayAsk);
  const loadConversations = usePlaygroundStore(selectLoadConversations);
  const loadAdapters = usePlaygroundStore(selectLoadAdapters);
  const runToOpen = usePlaygroundStore(selectRunToOpen);
  const openRunToOpen = usePlaygroundStore(selectOpenRunToOpen);
  // A run that finishes while the page is shown brings a new adapter.
  const runs = useRunsStore(selectRuns);
  const finishedRuns = runs?.filter((run) => run.status === 'completed').length ?? 0;

  useEffect(() => {
    if (!mayAsk) return;
    if (runToOpen !== null) void openRunToOpen();
    else void loadConversations();
  }, [mayAsk, runToOpen, openRunToOpen, loadConversations]);

  useEffect(() => {
    if (mayAsk) void loadAdapters();
  }, [mayAsk, finishedRuns, loadAdapters]);
}
