import { retryConnection } from '../../client/connection';

export interface ConnectionActions {
  /** Reconnect now rather than after the backoff wait (web transport only). */
  retryNow(): void;
}

export function createConnectionActions(): ConnectionActions {
  return { retryNow: () => retryConnection() };
}
