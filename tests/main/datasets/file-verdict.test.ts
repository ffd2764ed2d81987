import { describe, expect, it } from 'vitest';
import type { DatasetStatus } from '../../../src-main/contract';
import { CAME_BACK_DIFFERENT, CHANGED, verdictAtStart, verdictOnChange } from '../../../src-main/datasets/file-verdict';
import { inspection } from '../renderer/dataset-fixtures';

const read = { size: 100, mtimeMs: 1_000.25 };
const entry = (status: DatasetStatus, overrides = {}) => ({ path: '/d/chat.jsonl', status, inspection: inspection(), stamp: read, ...overrides });

describe('an entry at start', () => {
  it('whose file is gone is missing', () => {
    expect(verdictAtStart(entry('ready'), null)).toEqual({ status: 'missing', problem: expect.stringContaining('/d/chat.jsonl is gone') });
  });

  it('left importing, or never read, is read again', () => {
    expect(verdictAtStart(entry('importing'), read)).toBe('reimport');
    expect(verdictAtStart(entry('failed', { inspection: null }), read)).toBe('reimport');
  });

  it('whose file changed while Lathe was closed is stale, unless it already says why it is not ready', () => {
    const changed = { size: 120, mtimeMs: 2_000 };
    expect(verdictAtStart(entry('ready'), changed)).toEqual({ status: 'stale', problem: CHANGED });
    expect(verdictAtStart(entry('missing'), changed)).toEqual({ status: 'stale', problem: CHANGED });
    expect(verdictAtStart(entry('stale'), changed)).toBeNull();
  });

  it('whose file is back as it was read is ready; a ready one is left alone', () => {
    expect(verdictAtStart(entry('missing'), { size: 100, mtimeMs: 1_000.7 })).toEqual({ status: 'ready', problem: null });
    expect(verdictAtStart(entry('ready'), read)).toBeNull();
  });
});

describe('a watched file', () => {
  it('removed makes the entry missing; changed makes a ready or failed one stale', () => {
    expect(verdictOnChange(entry('stale'), 'removed', null)).toMatchObject({ status: 'missing' });
    expect(verdictOnChange(entry('ready'), 'changed', null)).toEqual({ status: 'stale', problem: CHANGED });
    expect(verdictOnChange(entry('failed'), 'changed', null)).toEqual({ status: 'stale', problem: CHANGED });
    expect(verdictOnChange(entry('stale'), 'changed', null)).toBeNull();
  });

  it('back as it was read is ready, back different is stale, never read is read', () => {
    expect(verdictOnChange(entry('missing'), 'returned', read)).toEqual({ status: 'ready', problem: null });
    expect(verdictOnChange(entry('missing'), 'returned', { size: 1, mtimeMs: 1 })).toEqual({ status: 'stale', problem: CAME_BACK_DIFFERENT });
    expect(verdictOnChange(entry('missing', { inspection: null }), 'returned', read)).toBe('reimport');
    expect(verdictOnChange(entry('stale'), 'returned', read)).toBeNull();
  });
});
