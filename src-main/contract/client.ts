/**
 * Builds the renderer's API object from the contract over any pipe: the preload builds
 * `window.lathe` with an IPC pipe, the browser builds the same object with a WebSocket pipe.
 */
import { contract, type LatheApi } from './contract';
import { LatheError, isErrorKind, type ErrorPayload } from './errors';
import type { ClientPipe, ServerMessage } from './wire';

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Subscription {
  onEvent(event: unknown): void;
  onError?: (error: unknown) => void;
}

export interface LatheApiOptions {
  /**
   * Reject with plain `ErrorPayload` objects instead of `LatheError`s. The preload needs this:
   * Electron's context bridge keeps only the message of an Error. `reviveLatheErrors` on the
   * page side turns them back.
   */
  plainErrors?: boolean;
}

export function createLatheApi(pipe: ClientPipe, options: LatheApiOptions = {}): LatheApi {
  const asError = (error: LatheError): unknown => (options.plainErrors ? error.toPayload() : error);
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const subscriptions = new Map<number, Subscription>();

  pipe.onMessage((message: ServerMessage) => {
    switch (message.t) {
      case 'result': {
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.ok) waiter.resolve(message.value);
        else waiter.reject(asError(LatheError.fromPayload(message.error)));
        return;
      }
      case 'event':
        subscriptions.get(message.id)?.onEvent(message.data);
        return;
      case 'end': {
        const sub = subscriptions.get(message.id);
        subscriptions.delete(message.id);
        if (sub && message.error) sub.onError?.(asError(LatheError.fromPayload(message.error)));
        return;
      }
      case 'bad':
        // The server could not read something we sent: nothing to match it to but the log.
        console.error(`lathe: ${message.error.message}`);
        return;
    }
  });

  pipe.onClose?.((reason) => {
    const error = new LatheError('unavailable', `Lost the connection to Lathe: ${reason}`);
    for (const waiter of pending.values()) waiter.reject(asError(error));
    pending.clear();
    for (const sub of subscriptions.values()) sub.onError?.(asError(error));
    subscriptions.clear();
  });

  const api: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(contract)) {
    const [domain, verb] = name.split('.') as [string, string];
    const group = (api[domain] ??= {});
    if (spec.kind === 'call') {
      group[verb] = (input: unknown) =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          pipe.send({ t: 'call', id, name, input });
        });
    } else {
      group[verb] = (input: unknown, onEvent: (event: unknown) => void, onError?: (error: unknown) => void) => {
        const id = nextId++;
        subscriptions.set(id, onError ? { onEvent, onError } : { onEvent });
        pipe.send({ t: 'sub', id, name, input });
        return () => {
          if (subscriptions.delete(id)) pipe.send({ t: 'unsub', id });
        };
      };
    }
  }
  return api as unknown as LatheApi;
}


function isErrorPayload(value: unknown): value is ErrorPayload {
  return typeof value === 'object' && value !== null && isErrorKind((value as ErrorPayload).kind) && typeof (value as ErrorPayload).message === 'string';
}

function revive(error: unknown): unknown {
  return isErrorPayload(error) ? LatheError.fromPayload(error) : error;
}

/** Wraps an API built with `plainErrors` so that callers get `LatheError`s again. */
export function reviveLatheErrors(api: LatheApi): LatheApi {
  const wrapped: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(contract)) {
    const [domain, verb] = name.split('.') as [string, string];
    const original = (api as unknown as Record<string, Record<string, (...args: unknown[]) => unknown>>)[domain]?.[verb];
    if (!original) throw new Error(`The bridged API lacks ${name}: preload and page were built from different contracts.`);
    const group = (wrapped[domain] ??= {});
    if (spec.kind === 'call') {
      group[verb] = (input: unknown) =>
        (original(input) as Promise<unknown>).catch((error: unknown) => {
          throw revive(error);
        });
    } else {
      group[verb] = (input: unknown, onEvent: (event: unknown) => void, onError?: (error: unknown) => void) =>
        original(input, onEvent, onError ? (error: unknown) => onError(revive(error)) : undefined);
    }
  }
  return wrapped as unknown as LatheApi;
}
