import type { ConnectionStore } from './index';

export const selectTransport = (s: ConnectionStore) => s.transport;
export const selectConnectionState = (s: ConnectionStore) => s.state;
export const selectRefusal = (s: ConnectionStore) => s.refusal;
export const selectRetryAt = (s: ConnectionStore) => s.retryAt;
/** Changes each time a lost connection comes back: pages use it to reload their data. */
export const selectReconnects = (s: ConnectionStore) => s.reconnects;
export const selectRetryNow = (s: ConnectionStore) => s.retryNow;
/** False while the server refuses this browser: pages then wait instead of asking. */
export const selectMayAsk = (s: ConnectionStore) => s.state !== 'refused';
