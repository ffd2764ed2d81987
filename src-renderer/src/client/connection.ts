/** The link itself, for the connection store: its status, changes to it, and "retry now". */
export { getConnectionStatus, retryConnection, subscribeConnectionStatus } from '../transport';
export type { ConnectionState, ConnectionStatus, RefusalReason, TransportKind } from '../transport';
