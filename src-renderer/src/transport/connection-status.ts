/**
 * What the UI knows about its link to the main process. Electron's IPC is always `open`;
 * the browser's WebSocket can be refused (no or wrong access token) or lost (server gone),
 * and the shell shows a banner for each.
 */
export type TransportKind = 'electron' | 'web';

export type ConnectionState = 'connecting' | 'open' | 'refused' | 'lost';

/** `no_token`: the address carried none; `rejected`: the server would not take the one we had. */
export type RefusalReason = 'no_token' | 'rejected';

export interface ConnectionStatus {
  transport: TransportKind;
  state: ConnectionState;
  /** Set only while `state` is `refused`. */
  refusal: RefusalReason | null;
  /** When the next reconnect attempt starts (ms since the epoch), while `lost`. */
  retryAt: number | null;
  /** How many times a lost connection came back: pages reload their data when it changes. */
  reconnects: number;
}

export type StatusListener = (status: ConnectionStatus) => void;

/** A value with listeners: the transport writes it, the connection store mirrors it. */
export interface StatusCell {
  get(): ConnectionStatus;
  set(next: ConnectionStatus): void;
  subscribe(listener: StatusListener): () => void;
}

export function createStatusCell(initial: ConnectionStatus): StatusCell {
  let current = initial;
  const listeners = new Set<StatusListener>();
  return {
    get: () => current,
    set(next) {
      current = next;
      for (const listener of listeners) listener(next);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
