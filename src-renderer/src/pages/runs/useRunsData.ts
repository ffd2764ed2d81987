/**
 * Keeps the run list and `runs.events` flowing for the whole window (App.tsx calls it), so
 * the Train and Runs pages open on current data and each run that ends is toasted
 * (`finished` events) whichever page is shown.
 */
import { notifications } from '@mantine/notifications';
import { useCallback, useEffect } from 'react';
import { formatLoss } from '../../format/run';
import { useLiveData } from '../../shell/useLiveData';
import { selectDismissFinished, selectFinishedNotices, selectLoadRuns, selectStartRunEvents, selectStopRunEvents, useRunsStore } from '../../store/runs';

export function useRunsData(): void {
  const loadRuns = useRunsStore(selectLoadRuns);
  const load = useCallback(() => void loadRuns(), [loadRuns]);
  useLiveData(useRunsStore(selectStartRunEvents), useRunsStore(selectStopRunEvents), load);

  const finished = useRunsStore(selectFinishedNotices);
  const dismissFinished = useRunsStore(selectDismissFinished);
  useEffect(() => {
    for (const run of finished) {
      const color = run.status === 'completed' ? 'green' : run.status === 'failed' ? 'red' : 'gray';
      const message =
        run.status === 'failed'
          ? (run.error?.message ?? 'The run failed.')
          : `Step ${run.step}${run.totalSteps === null ? '' : ` of ${run.totalSteps}`}, train loss ${formatLoss(run.trainLoss)}, validation loss ${formatLoss(run.valLoss)}`;
      notifications.show({ id: `run-finished-${run.id}-${run.status}`, title: `${run.name}: ${run.status}`, message, color });
      dismissFinished(run.id);
    }
  }, [finished, dismissFinished]);
}
