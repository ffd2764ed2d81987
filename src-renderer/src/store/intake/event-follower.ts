/**
 * Following one of the contract's event streams from a store: `start` (re)opens it, `stop`
 * closes it, and only the newest subscription may write — a late event or error from one
 * that was replaced (a reconnect) is ignored. The store keeps `watching` and `eventsError`.
 */
import { toStoredError, type StoredError } from '../errors';

export interface FollowState {
  watching: boolean;
  eventsError: StoredError | null;
}

export interface EventFollowerOptions<E> {
  set: (update: Partial<FollowState>) => void;
  get: () => FollowState;
  watch(onEvent: (event: E) => void, onError: (error: unknown) => void): () => void;
  onEvent(event: E): void;
}

export interface EventFollower {
  start(): void;
  stop(): void;
}

export function createEventFollower<E>(options: EventFollowerOptions<E>): EventFollower {
  const { set, get } = options;
  let unsubscribe: (() => void) | null = null;
  let generation = 0;

  function stop(): void {
    generation += 1;
    const current = unsubscribe;
    unsubscribe = null;
    current?.();
    if (get().watching) set({ watching: false });
  }

  function start(): void {
    stop();
    const mine = generation;
    const isCurrent = () => mine === generation;
    set({ watching: true, eventsError: null });
    const close = options.watch(
      (event) => {
        if (isCurrent()) options.onEvent(event);
      },
      (error) => {
        if (!isCurrent()) return;
        unsubscribe = null;
        set({ watching: false, eventsError: toStoredError(error) });
      },
    );
    // The error callback can run before watch returns (a transport known to be down fails at once).
    if (isCurrent() && get().watching) unsubscribe = close;
  }

  return { start, stop };
}
