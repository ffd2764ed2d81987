/**
 * The training runtime's stdout protocol, read one line at a time (docs/training-runtime.md,
 * python-runtime/lathe_runtime/train/events.py). `parseRuntimeEvent` is pure and total: a line
 * that is not one JSON object naming a known event with the fields the app relies on gives
 * null (the caller logs it), never an exception. Unknown extra fields are ignored, so a newer
 * runtime can add fields without breaking an older app.
 */

export type RuntimeEvent =
  | { event: 'start'; time: number; totalSteps: number; device: string | null; resumedFrom: number | null }
  | {
      event: 'step';
      time: number;
      step: number;
      totalSteps: number | null;
      loss: number | null;
      lr: number;
      gradNorm: number | null;
      tokens: number;
      tokensPerSecond: number | null;
      memoryBytes: number | null;
      elapsedSeconds: number | null;
    }
  | { event: 'eval'; time: number; step: number; valLoss: number | null }
  | { event: 'checkpoint'; time: number; step: number; path: string; adapter: string | null }
  | { event: 'sample'; time: number; step: number; prompt: string; output: string; reference: string | null }
  | { event: 'paused' | 'resumed'; time: number; step: number }
  | {
      event: 'done';
      time: number;
      status: 'completed' | 'stopped';
      step: number;
      adapter: string | null;
      checkpoint: string | null;
      trainLoss: number | null;
      valLoss: number | null;
      elapsedSeconds: number | null;
    }
  | { event: 'error'; time: number; kind: string; message: string; cause: string | null; step: number | null };

type Fields = Record<string, unknown>;

/** Lines longer than this are not events (a step event is a few hundred bytes; a sample a few KiB). */
export const MAX_EVENT_LINE = 1 << 20;

export function parseRuntimeEvent(line: string): RuntimeEvent | null {
  if (line.length > MAX_EVENT_LINE) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const fields = value as Fields;
  const time = finite(fields.time);
  if (time === null) return null;
  try {
    return readEvent(fields, time);
  } catch (error) {
    if (error instanceof Malformed) return null;
    throw error;
  }
}

class Malformed extends Error {}

function readEvent(f: Fields, time: number): RuntimeEvent | null {
  switch (f.event) {
    case 'start':
      return { event: 'start', time, totalSteps: count(f.total_steps), device: optionalText(f.device), resumedFrom: optionalCount(f.resumed_from) };
    case 'step':
      return {
        event: 'step',
        time,
        step: count(f.step),
        totalSteps: optionalCount(f.total_steps),
        loss: optionalNumber(f.loss),
        lr: number(f.lr),
        gradNorm: optionalNumber(f.grad_norm),
        tokens: optionalCount(f.tokens) ?? 0,
        tokensPerSecond: optionalNumber(f.tokens_per_s),
        memoryBytes: optionalCount(f.memory_bytes),
        elapsedSeconds: optionalNumber(f.elapsed_s),
      };
    case 'eval':
      return { event: 'eval', time, step: count(f.step), valLoss: optionalNumber(f.val_loss) };
    case 'checkpoint':
      return { event: 'checkpoint', time, step: count(f.step), path: text(f.path), adapter: optionalText(f.adapter) };
    case 'sample':
      return { event: 'sample', time, step: count(f.step), prompt: text(f.prompt), output: text(f.output), reference: optionalText(f.reference) };
    case 'paused':
    case 'resumed':
      return { event: f.event, time, step: count(f.step) };
    case 'done': {
      if (f.status !== 'completed' && f.status !== 'stopped') throw new Malformed();
      const adapter = f.adapter;
      const gguf = typeof adapter === 'object' && adapter !== null ? optionalText((adapter as Fields).gguf) : optionalText(adapter);
      return {
        event: 'done',
        time,
        status: f.status,
        step: count(f.step),
        adapter: gguf,
        checkpoint: optionalText(f.checkpoint),
        trainLoss: optionalNumber(f.train_loss),
        valLoss: optionalNumber(f.val_loss),
        elapsedSeconds: optionalNumber(f.elapsed_s),
      };
    }
    case 'error':
      return { event: 'error', time, kind: text(f.kind), message: text(f.message), cause: optionalText(f.cause), step: optionalCount(f.step) };
    default:
      return null;
  }
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function number(value: unknown): number {
  const n = finite(value);
  if (n === null) throw new Malformed();
  return n;
}

function optionalNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : number(value);
}

function count(value: unknown): number {
  const n = number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Malformed();
  return n;
}

function optionalCount(value: unknown): number | null {
  return value === null || value === undefined ? null : count(value);
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Malformed();
  return value;
}

function optionalText(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}
