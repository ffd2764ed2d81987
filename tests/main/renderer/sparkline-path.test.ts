import { describe, expect, it } from 'vitest';
import { sparklineGeometry } from '../../../src-renderer/src/components/sparkline-path';
import { appendBounded } from '../../../src-renderer/src/store/system/usage-history';

describe('sparklineGeometry', () => {
  it('maps values to the box with the newest at the right edge', () => {
    expect(sparklineGeometry([0, 50, 100], 100, 10, 100).line).toBe('0,10 50,5 100,0');
  });

  it('grows in from the right until the capacity is filled', () => {
    expect(sparklineGeometry([100, 100], 100, 10, 100, 5).line).toBe('75,0 100,0');
  });

  it('clamps values outside 0..max and draws nothing without values', () => {
    expect(sparklineGeometry([-5, 500], 10, 10, 100).line).toBe('0,10 10,0');
    expect(sparklineGeometry([], 10, 10, 100)).toEqual({ line: '', area: '' });
  });

  it('closes the area along the bottom edge', () => {
    expect(sparklineGeometry([0, 100], 10, 10, 100).area).toBe('0,10 0,10 10,0 10,10');
  });
});

describe('appendBounded', () => {
  it('keeps the newest items, oldest first, without touching the input', () => {
    const before = [1, 2, 3];
    expect(appendBounded(before, 4, 3)).toEqual([2, 3, 4]);
    expect(before).toEqual([1, 2, 3]);
    expect(appendBounded([], 1, 3)).toEqual([1]);
  });
});
