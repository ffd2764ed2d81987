/**
 * A banner across the top of every page when the browser cannot reach Lathe: refused (no
 * token, or not the right one) or lost (the server stopped). Electron never shows it.
 */
import { Alert, Button, Code, Group, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { selectConnectionState, selectRetryAt, selectRetryNow, useConnectionStore } from '../store/connection';

export const REFUSED_MESSAGE = 'Lathe refused this browser: open the address printed by `lathe serve` — it carries the access token.';

export function ConnectionBanner() {
  const state = useConnectionStore(selectConnectionState);
  if (state === 'refused') return <RefusedBanner />;
  if (state === 'lost') return <LostBanner />;
  return null;
}

function RefusedBanner() {
  const retryNow = useConnectionStore(selectRetryNow);
  const [before, after] = REFUSED_MESSAGE.split('`lathe serve`');
  return (
    <Alert color="red" variant="light" title="Not connected" role="alert" data-testid="connection-banner" data-state="refused">
      <Group justify="space-between" align="center" gap="md">
        <Text size="sm" data-testid="connection-refused-message">
          {before}
          <Code>lathe serve</Code>
          {after}
        </Text>
        <Button size="xs" variant="default" onClick={retryNow}>
          Try again
        </Button>
      </Group>
    </Alert>
  );
}

function LostBanner() {
  const retryAt = useConnectionStore(selectRetryAt);
  const retryNow = useConnectionStore(selectRetryNow);
  const seconds = useSecondsUntil(retryAt);
  return (
    <Alert color="orange" variant="light" title="Lost the connection to Lathe" role="alert" data-testid="connection-banner" data-state="lost">
      <Group justify="space-between" align="center" gap="md">
        <Text size="sm">
          {seconds > 0 ? `Trying again in ${seconds} s.` : 'Trying again…'} If Lathe was restarted, open the new address printed by{' '}
          <Code>lathe serve</Code>.
        </Text>
        <Button size="xs" variant="default" onClick={retryNow}>
          Retry now
        </Button>
      </Group>
    </Alert>
  );
}

/** Whole seconds left until `at`, ticking once a second; 0 when `at` is null or past. */
function useSecondsUntil(at: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [at]);
  return at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}
