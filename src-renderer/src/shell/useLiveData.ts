/**
 * Keeps a page's data flowing while it is shown: follows its domain's event stream and
 * loads what it lists. Both start again when a lost web connection comes back (the old
 * stream died with it, and changes may have been missed) and when a refused browser is let
 * in; while refused, nothing is asked. `load` must be stable (a store action, or useCallback).
 */
import { useEffect } from 'react';
import { selectMayAsk, selectReconnects, useConnectionStore } from '../store/connection';

export function useLiveData(startEvents: () => void, stopEvents: () => void, load: () => void): void {
  const reconnects = useConnectionStore(selectReconnects);
  const mayAsk = useConnectionStore(selectMayAsk);

  // Subscribe before loading: a change between the list's answer and the subscription would be lost.
  useEffect(() => {
    if (!mayAsk) return;
    startEvents();
    return () => stopEvents();
  }, [startEvents, stopEvents, mayAsk, reconnects]);

  useEffect(() => {
    if (mayAsk) load();
  }, [load, mayAsk, reconnects]);
}
