import { describe, expect, it } from 'vitest';
import { formatBytes, formatMegabytes } from '../../../src-renderer/src/format/bytes';
import { formatPercent, formatWatts, shareOf } from '../../../src-renderer/src/format/numbers';

describe('formatBytes', () => {
  it('writes whole bytes below one KiB and one decimal above, in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(23.4 * 1024 ** 3)).toBe('23.4 GiB');
    expect(formatBytes(16 * 1024 ** 4)).toBe('16.0 TiB');
  });

  it('moves up a unit when rounding would print 1024.0', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(formatBytes(1023.9 * 1024)).toBe('1023.9 KiB');
  });

  it('keeps the sign and marks values that are not numbers', () => {
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
    expect(formatBytes(Number.NaN)).toBe('—');
  });

  it('reads GPU memory as MiB, the unit nvidia-smi reports', () => {
    expect(formatMegabytes(24576)).toBe('24.0 GiB');
    expect(formatMegabytes(null)).toBe('—');
  });
});

describe('number formatters', () => {
  it('shows a decimal only for small percentages', () => {
    expect(formatPercent(3.14159)).toBe('3.1%');
    expect(formatPercent(42.6)).toBe('43%');
    expect(formatPercent(null)).toBe('—');
  });

  it('clamps shares to 0–100 and treats an unknown whole as 0', () => {
    expect(shareOf(1, 4)).toBe(25);
    expect(shareOf(5, 4)).toBe(100);
    expect(shareOf(1, 0)).toBe(0);
    expect(shareOf(null, 4)).toBe(0);
  });

  it('shows power with its limit when known', () => {
    expect(formatWatts(120.4, 350)).toBe('120 / 350 W');
    expect(formatWatts(120.4, null)).toBe('120 W');
    expect(formatWatts(null, 350)).toBe('—');
  });
});
