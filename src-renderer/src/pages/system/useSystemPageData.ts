/**
 * Keeps the System page's data flowing while it is shown: loads the reports and streams
 * usage once a second, and stops the stream when the page goes away. Both start again when
 * a lost web connection comes back (the old stream died with it) and when a refused
 * browser is let in after "Try again"; while refused, nothing is asked.
 */
import { useEffect } from 'react';
import { selectMayAsk, selectReconnects, useConnectionStore } from '../../store/connection';
import { selectLoadSystem, selectStartUsageWatch, selectStopUsageWatch, useSystemStore } from '../../store/system';

export const USAGE_INTERVAL_MS = 1000;

export function useSystemPageData(): void {
  const reconnects = useConnectionStore(selectReconnects);
  const mayAsk = useConnectionStore(selectMayAsk);
  const loadSystem = useSystemStore(selectLoadSystem);
  const startUsageWatch = useSystemStore(selectStartUsageWatch);
  const stopUsageWatch = useSystemStore(selectStopUsageWatch);

  useEffect(() => {
    if (mayAsk) void loadSystem();
  }, [loadSystem, mayAsk, reconnects]);

  useEffect(() => {
    if (!mayAsk) return;
    startUsageWatch(USAGE_INTERVAL_MS);
    return () => stopUsageWatch();
  }, [startUsageWatch, stopUsageWatch, mayAsk, reconnects]);
}
