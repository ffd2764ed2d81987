/**
 * Keeps the Hub card current while the Models page is shown: follows download events, and
 * loads the downloads, the recommendations, the token status and a first search (which is
 * also how the card learns that the Hub cannot be reached).
 */
import { useCallback } from 'react';
import { useLiveData } from '../../../shell/useLiveData';
import {
  selectHubLoadDownloads,
  selectHubLoadRecommended,
  selectHubLoadToken,
  selectHubSearch,
  selectHubStartEvents,
  selectHubStopEvents,
  useHubStore,
} from '../../../store/hub';

export function useHubData(): void {
  const loadDownloads = useHubStore(selectHubLoadDownloads);
  const loadRecommended = useHubStore(selectHubLoadRecommended);
  const loadToken = useHubStore(selectHubLoadToken);
  const search = useHubStore(selectHubSearch);
  const load = useCallback(() => {
    void loadDownloads();
    void loadRecommended();
    void loadToken();
    void search();
  }, [loadDownloads, loadRecommended, loadToken, search]);
  useLiveData(useHubStore(selectHubStartEvents), useHubStore(selectHubStopEvents), load);
}
