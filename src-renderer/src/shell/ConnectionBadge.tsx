/** Header badge: which transport this window uses and whether the link is up. */
import { Badge, Tooltip } from '@mantine/core';
import type { ConnectionState, TransportKind } from '../client/connection';
import { selectConnectionState, selectTransport, useConnectionStore } from '../store/connection';

const STATE_LABEL: Record<ConnectionState, { text: string; color: string }> = {
  connecting: { text: 'connecting…', color: 'gray' },
  open: { text: 'connected', color: 'green' },
  refused: { text: 'refused', color: 'red' },
  lost: { text: 'reconnecting…', color: 'orange' },
};

const TRANSPORT_LABEL: Record<TransportKind, string> = { electron: 'Desktop', web: 'Browser' };

export function ConnectionBadge() {
  const transport = useConnectionStore(selectTransport);
  const state = useConnectionStore(selectConnectionState);
  const { text, color } = STATE_LABEL[state];
  const hint = transport === 'electron' ? 'Talking to Lathe over Electron IPC' : 'Talking to lathe serve over a WebSocket';
  return (
    <Tooltip label={hint}>
      <Badge variant="dot" color={color} tt="none" size="lg" data-testid="connection-badge" data-state={state}>
        {TRANSPORT_LABEL[transport]} · {text}
      </Badge>
    </Tooltip>
  );
}
