/**
 * `parseRuntimeEvent` on the runtime's real event shapes, and as a property over thousands of
 * seeded damaged lines: it never throws, returns null for anything malformed, and ignores
 * fields it does not know.
 */
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_LINE, parseRuntimeEvent } from '../../../../src-main/training/runs/runtime-event';
import { seededRandom as prng } from '../../helpers/seeded-random';

/** Lines as python-runtime/lathe_runtime/train/events.py writes them. */
const LINES = {
  start: '{"event": "start", "time": 1700000000.5, "config": {"steps": 6}, "device": "cpu", "dtype": "float32", "precision": "fp32", "threads": 2, "total_steps": 6, "resumed_from": null, "parameters": {"total": 10, "trainable": 2}}',
  step: '{"event": "step", "time": 1700000001.25, "step": 3, "total_steps": 6, "epoch": 0.5, "loss": 2.5, "lr": 0.001, "grad_norm": 0.9, "tokens": 420, "tokens_per_s": 8000.5, "memory_bytes": 123456789, "elapsed_s": 1.5}',
  eval: '{"event": "eval", "time": 1700000002, "step": 3, "val_loss": 2.7, "target_tokens": 80}',
  checkpoint: '{"event": "checkpoint", "time": 1700000003, "step": 4, "path": "/runs/r/checkpoints/step-00000004", "adapter": "/runs/r/checkpoints/step-00000004/adapter.gguf"}',
  sample: '{"event": "sample", "time": 1700000004, "step": 4, "prompt": "What is 2 plus 2?", "output": "4", "reference": null}',
  paused: '{"event": "paused", "time": 1700000005, "step": 4}',
  done: '{"event": "done", "time": 1700000006, "status": "completed", "step": 6, "total_steps": 6, "adapter": {"gguf": "/runs/r/adapter.gguf", "peft": null}, "checkpoint": "/runs/r/checkpoints/step-00000006", "train_loss": 2.1, "val_loss": null, "elapsed_s": 4.2}',
  error: '{"event": "error", "time": 1700000007, "kind": "internal", "message": "No space left", "detail": "", "problems": ["No space left"], "cause": "disk_full", "step": 5}',
};

describe('parseRuntimeEvent', () => {
  it('reads every event the runtime writes', () => {
    expect(parseRuntimeEvent(LINES.start)).toEqual({ event: 'start', time: 1700000000.5, totalSteps: 6, device: 'cpu', resumedFrom: null });
    expect(parseRuntimeEvent(LINES.step)).toEqual({
      event: 'step', time: 1700000001.25, step: 3, totalSteps: 6, loss: 2.5, lr: 0.001, gradNorm: 0.9, tokens: 420, tokensPerSecond: 8000.5, memoryBytes: 123456789, elapsedSeconds: 1.5,
    });
    expect(parseRuntimeEvent(LINES.eval)).toEqual({ event: 'eval', time: 1700000002, step: 3, valLoss: 2.7 });
    expect(parseRuntimeEvent(LINES.checkpoint)).toMatchObject({ event: 'checkpoint', step: 4, adapter: '/runs/r/checkpoints/step-00000004/adapter.gguf' });
    expect(parseRuntimeEvent(LINES.sample)).toEqual({ event: 'sample', time: 1700000004, step: 4, prompt: 'What is 2 plus 2?', output: '4', reference: null });
    expect(parseRuntimeEvent(LINES.paused)).toEqual({ event: 'paused', time: 1700000005, step: 4 });
    expect(parseRuntimeEvent(LINES.done)).toMatchObject({ event: 'done', status: 'completed', adapter: '/runs/r/adapter.gguf', valLoss: null, trainLoss: 2.1 });
    expect(parseRuntimeEvent(LINES.error)).toEqual({ event: 'error', time: 1700000007, kind: 'internal', message: 'No space left', cause: 'disk_full', step: 5 });
  });

  it('keeps nulls the runtime writes for non-finite numbers', () => {
    const line = LINES.step.replace('"loss": 2.5', '"loss": null').replace('"grad_norm": 0.9', '"grad_norm": null').replace('"memory_bytes": 123456789', '"memory_bytes": null');
    expect(parseRuntimeEvent(line)).toMatchObject({ loss: null, gradNorm: null, memoryBytes: null });
  });

  it('ignores fields it does not know', () => {
    const line = LINES.step.replace('{', '{"gpu_util": 97, "note": {"deep": [1, 2]}, ');
    expect(parseRuntimeEvent(line)).toEqual(parseRuntimeEvent(LINES.step));
  });

  it.each([
    ['not JSON', 'step 3/6 loss 2.5'],
    ['an array', '[1, 2]'],
    ['no time', '{"event": "paused", "step": 1}'],
    ['an unknown event', '{"event": "hello", "time": 1}'],
    ['a step without its number', '{"event": "step", "time": 1, "lr": 0.1}'],
    ['a fractional step', '{"event": "paused", "time": 1, "step": 1.5}'],
    ['a negative step', '{"event": "paused", "time": 1, "step": -1}'],
    ['a text where a number belongs', LINES.step.replace('"lr": 0.001', '"lr": "0.001"')],
    ['an unknown done status', LINES.done.replace('"completed"', '"exploded"')],
    ['a number where text belongs', LINES.sample.replace('"output": "4"', '"output": 4')],
    ['a line too long', `{"event": "paused", "time": 1, "step": 1, "pad": "${'x'.repeat(MAX_EVENT_LINE)}"}`],
  ])('rejects %s', (_label, line) => {
    expect(parseRuntimeEvent(line)).toBeNull();
  });

  it('never throws on damaged lines, and whatever it accepts is well typed (seeded fuzz)', () => {
    const random = prng(20261123);
    const lines = Object.values(LINES);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const line = damage(lines[Math.floor(random() * lines.length)]!, random);
      const event = parseRuntimeEvent(line);
      if (event === null) continue;
      accepted++;
      expect(Number.isFinite(event.time)).toBe(true);
      if ('step' in event && event.step !== null) expect(Number.isSafeInteger(event.step) && event.step >= 0).toBe(true);
      if (event.event === 'step') expect(Number.isFinite(event.lr)).toBe(true);
    }
    // Some damage leaves a valid event (a changed digit): the property is checked on those.
    expect(accepted).toBeGreaterThan(100);
  });
});

function damage(line: string, random: () => number): string {
  const chars = [...line];
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * chars.length);
    const kind = random();
    if (kind < 0.3) chars.splice(at, 1);
    else if (kind < 0.6) chars[at] = String.fromCharCode(32 + Math.floor(random() * 95));
    else if (kind < 0.8) chars.splice(at, 0, '9');
    else chars.length = at; // a torn line
  }
  return chars.join('');
}

