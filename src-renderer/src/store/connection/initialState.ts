import type { ConnectionStatus } from '../../client/connection';

export type ConnectionStoreState = ConnectionStatus;
