/** The progress `lathe train` draws: in place on a terminal, plain lines now and then elsewhere. */
import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBar, renderProgress, type ProgressState } from '../../../src-main/cli/progress-bar';

const state: ProgressState = { step: 40, total: 120, loss: 3.41234, tokensPerSecond: 4123.4, etaSeconds: 42 };

describe('renderProgress', () => {
  it('draws the bar with step/total, loss, tokens/s and ETA', () => {
    const line = renderProgress(state, 100);
    expect(line).toMatch(/^\[#+\.+\] {2}40\/120 {2}loss 3\.412 {2}4,123 tok\/s {2}ETA 0:42$/);
    const bar = line.slice(1, line.indexOf(']'));
    expect(bar.replace(/\./g, '').length / bar.length).toBeCloseTo(1 / 3, 1);
  });

  it('never passes the width; the bar goes first, then the numbers are cut', () => {
    for (const width of [100, 60, 45, 20, 5, 0]) expect(renderProgress(state, width).length).toBeLessThanOrEqual(width);
    expect(renderProgress(state, 45)).not.toContain('[');
  });

  it('shows what it knows: no total, no loss yet, a status', () => {
    expect(renderProgress({ step: 0, total: null, loss: null, tokensPerSecond: null, etaSeconds: null, status: 'preparing' }, 80)).toBe('step 0  preparing');
    // Past the total (a resumed run's count) the bar is full, not overflowing.
    expect(renderProgress({ ...state, step: 130 }, 120)).toContain(`[${'#'.repeat(40)}]`);
  });

  it.each([
    [0, '0:00'],
    [7.4, '0:07'],
    [242, '4:02'],
    [3909, '1:05:09'],
    [-5, '0:00'],
  ])('formatDuration(%d) is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('ProgressBar', () => {
  function output(isTTY: boolean) {
    const written: string[] = [];
    return { written, write: (text: string) => written.push(text), columns: 60, isTTY };
  }

  it('rewrites one line on a terminal and ends it when done', () => {
    const out = output(true);
    const bar = new ProgressBar(out);
    bar.update(state);
    bar.update({ ...state, step: 41 });
    bar.done();
    expect(out.written).toHaveLength(3);
    expect(out.written[0]?.startsWith('\r')).toBe(true);
    expect(out.written[0]).toContain('40/120');
    // Clears what a longer earlier line left behind (ANSI "erase to end of line").
    expect(out.written[0]?.endsWith('\u001b[K')).toBe(true);
    expect(out.written[1]).toContain('41/120');
    expect(out.written[2]).toBe('\n');
    expect(out.written.slice(0, 2).every((text) => text.length - 4 <= 59)).toBe(true);
  });

  it('writes a plain line at most every few seconds elsewhere, and always the last step', () => {
    const out = output(false);
    let now = 0;
    const bar = new ProgressBar(out, () => now, 10);
    for (let step = 1; step <= 120; step++) {
      now = step * 0.5;
      bar.update({ ...state, step });
    }
    bar.done();
    expect(out.written.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    // 60 seconds at one line per 10 s, plus the final step.
    expect(out.written.length).toBe(7);
    expect(out.written.at(-1)).toContain('120/120');
  });
});
