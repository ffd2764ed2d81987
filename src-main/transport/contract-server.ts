/**
 * The main side of the contract, shared by both transports: reads wire messages from one
 * peer (a window over IPC, a browser over WebSocket), validates them against the contract,
 * runs the handler and answers. Nothing a peer sends can crash it: unknown calls, bad
 * inputs and unreadable messages are answered with typed errors.
 */
import {
  clientMessageSchema,
  contract,
  isContractName,
  LatheError,
  toErrorPayload,
  type Contract,
  type ErrorPayload,
  type HandlersOf,
  type ServerMessage,
  type Unsubscribe,
} from '../contract';

export interface Peer {
  send(message: ServerMessage): void;
}

export interface PeerConnection {
  /** Hands over one message exactly as it arrived (already JSON-decoded). */
  receive(raw: unknown): void;
  /** Ends every subscription of this peer. */
  close(): void;
}

export type Handlers = HandlersOf<Contract>;
type LooseCall = (input: unknown) => unknown;
type LooseStream = (input: unknown, emit: (event: unknown) => void) => Unsubscribe | Promise<Unsubscribe>;

export interface ContractServerOptions {
  /** Where unexpected handler failures are reported (the human log). */
  logError?: (context: string, error: unknown) => void;
}

export class ContractServer {
  constructor(
    private readonly handlers: Handlers,
    private readonly options: ContractServerOptions = {},
  ) {}

  connect(peer: Peer): PeerConnection {
    const subscriptions = new Map<number, Unsubscribe | 'starting'>();
    let closed = false;
    const send = (message: ServerMessage): void => {
      if (!closed) peer.send(message);
    };

    const receive = (raw: unknown): void => {
      const parsed = clientMessageSchema.safeParse(raw);
      if (!parsed.success) {
        send({ t: 'bad', error: { kind: 'bad_message', message: 'Unreadable message: it does not follow the wire format.' } });
        return;
      }
      const message = parsed.data;
      if (message.t === 'unsub') {
        const stop = subscriptions.get(message.id);
        subscriptions.delete(message.id);
        if (typeof stop === 'function') stop();
        return;
      }
      const checked = this.check(message.name, message.input, message.t === 'call' ? 'call' : 'stream');
      if ('error' in checked) {
        if (message.t === 'call') send({ t: 'result', id: message.id, ok: false, error: checked.error });
        else send({ t: 'end', id: message.id, error: checked.error });
        return;
      }
      if (message.t === 'call') {
        void this.runCall(message.name, checked.input).then((result) => send({ t: 'result', id: message.id, ...result }));
      } else {
        void this.startStream(message.id, message.name, checked.input, subscriptions, send, () => closed);
      }
    };

    return {
      receive,
      close: () => {
        closed = true;
        for (const stop of subscriptions.values()) if (typeof stop === 'function') stop();
        subscriptions.clear();
      },
    };
  }

  private check(name: string, input: unknown, kind: 'call' | 'stream'): { input: unknown } | { error: ErrorPayload } {
    if (!isContractName(name)) {
      return { error: { kind: 'unknown_call', message: `There is no call named "${name}".` } };
    }
    const spec = contract[name];
    if (spec.kind !== kind) {
      return { error: { kind: 'unknown_call', message: `"${name}" is a ${spec.kind}, not a ${kind}.` } };
    }
    const result = spec.input.safeParse(input ?? {});
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`);
      return { error: { kind: 'invalid_input', message: `Invalid input for ${name}: ${problems.join('; ')}` } };
    }
    return { input: result.data };
  }

  private async runCall(name: string, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: ErrorPayload }> {
    try {
      const handler = this.handlers[name as keyof Handlers] as unknown as LooseCall;
      return { ok: true, value: await handler(input) };
    } catch (error) {
      if (!(error instanceof LatheError)) this.options.logError?.(name, error);
      return { ok: false, error: toErrorPayload(error) };
    }
  }

  private async startStream(
    id: number,
    name: string,
    input: unknown,
    subscriptions: Map<number, Unsubscribe | 'starting'>,
    send: (message: ServerMessage) => void,
    isClosed: () => boolean,
  ): Promise<void> {
    subscriptions.set(id, 'starting');
    try {
      const handler = this.handlers[name as keyof Handlers] as unknown as LooseStream;
      const stop = await handler(input, (data) => {
        if (subscriptions.has(id)) send({ t: 'event', id, data });
      });
      // The peer may have unsubscribed or gone while the handler was starting.
      if (isClosed() || !subscriptions.has(id)) stop();
      else subscriptions.set(id, stop);
    } catch (error) {
      subscriptions.delete(id);
      if (!(error instanceof LatheError)) this.options.logError?.(name, error);
      send({ t: 'end', id, error: toErrorPayload(error) });
    }
  }
}
