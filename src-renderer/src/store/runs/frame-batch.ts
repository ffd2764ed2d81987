/**
 * Collects items that arrive faster than the screen redraws and hands them over once per
 * frame: a run can report hundreds of steps a second, and one store update (one re-render)
 * per event would fall behind. `schedule` is requestAnimationFrame in the page; tests pass
 * their own to decide when a frame happens.
 */
export type ScheduleFrame = (callback: () => void) => void;

export interface FrameBatch<T> {
  add(item: T): void;
  /** Hands over what is pending now, without waiting for the frame. */
  flushNow(): void;
}

export function createFrameBatch<T>(schedule: ScheduleFrame, flush: (items: T[]) => void): FrameBatch<T> {
  let pending: T[] = [];
  let scheduled = false;

  function flushNow(): void {
    scheduled = false;
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    flush(items);
  }

  return {
    add(item) {
      pending.push(item);
      if (scheduled) return;
      scheduled = true;
      schedule(() => {
        if (scheduled) flushNow();
      });
    },
    flushNow,
  };
}

/** requestAnimationFrame where there is one; a hidden tab gets no frames, so a timer backs it up. */
export const animationFrame: ScheduleFrame = (callback) => {
  // Read from globalThis: the store's tests run in Node, which has no animation frames.
  const requestFrame = (globalThis as { requestAnimationFrame?: (callback: () => void) => unknown }).requestAnimationFrame;
  if (typeof requestFrame !== 'function') {
    setTimeout(callback, 16);
    return;
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    callback();
  };
  // Called on globalThis: a detached requestAnimationFrame throws "Illegal invocation".
  requestFrame.call(globalThis, once);
  setTimeout(once, 250);
};
