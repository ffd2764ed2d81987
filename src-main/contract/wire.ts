/**
 * The messages both transports carry. Electron IPC and the WebSocket move the very same
 * objects, so one client and one dispatcher serve both; only the pipe differs.
 */
import { z } from 'zod';
import { ERROR_KINDS } from './errors';

const id = z.number().int().nonnegative();

export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id, name: z.string().max(200), input: z.unknown() }),
  z.object({ t: z.literal('sub'), id, name: z.string().max(200), input: z.unknown() }),
  z.object({ t: z.literal('unsub'), id }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const errorPayloadSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  message: z.string(),
  detail: z.string().optional(),
});

// A plain union: the two `result` shapes share their discriminator value.
export const serverMessageSchema = z.union([
  z.object({ t: z.literal('result'), id, ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id, ok: z.literal(false), error: errorPayloadSchema }),
  z.object({ t: z.literal('event'), id, data: z.unknown() }),
  /** A subscription ended by the server: refused at start, or failed later. */
  z.object({ t: z.literal('end'), id, error: errorPayloadSchema.optional() }),
  /** A message the server could not read at all (no id to answer to). */
  z.object({ t: z.literal('bad'), error: errorPayloadSchema }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** A bidirectional pipe of wire messages: what each transport provides. */
export interface ClientPipe {
  send(message: ClientMessage): void;
  /** Registers the single receiver of server messages. */
  onMessage(receive: (message: ServerMessage) => void): void;
  /** Registers what to do when the pipe is gone for good (a closed WebSocket). */
  onClose?(handler: (reason: string) => void): void;
}
