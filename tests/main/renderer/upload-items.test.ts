import { describe, expect, it } from 'vitest';
import { addedSummary } from '../../../src-renderer/src/pages/models/add/added-summary';
import { uploadStatusText } from '../../../src-renderer/src/components/intake/upload-status-text';
import { tensorTypeRows } from '../../../src-renderer/src/pages/models/details/tensor-type-rows';
import { splitUploadable } from '../../../src-renderer/src/store/models/uploadable';
import {
  isUploadActive,
  newUploadItem,
  uploadPercent,
  uploadRate,
  uploadSecondsLeft,
  withProgress,
} from '../../../src-renderer/src/store/intake/upload-items';
import { modelEntry } from './model-fixtures';

const MiB = 1024 * 1024;

describe('upload items', () => {
  it('measure the rate over this attempt only, not the bytes an earlier one sent', () => {
    let item = newUploadItem('k', { name: 'big.gguf', size: 100 * MiB });
    expect(uploadRate(item)).toBeNull();
    item = withProgress(item, 'sending', 40 * MiB, 10_000);
    expect(uploadRate(item)).toBeNull();
    item = withProgress(item, 'sending', 60 * MiB, 12_000);
    expect(item.startBytes).toBe(40 * MiB);
    expect(uploadRate(item)).toBe(10 * MiB);
    expect(uploadSecondsLeft(item)).toBe(4);
    expect(uploadPercent(item)).toBe(60);
    expect(uploadStatusText(item)).toBe('60.0 MiB of 100.0 MiB · 60% · 10.0 MiB/s · 4 s left');
  });

  it('tell active uploads from finished ones', () => {
    const item = newUploadItem('k', { name: 'a.gguf', size: 1 });
    expect(isUploadActive(item)).toBe(true);
    expect(isUploadActive(withProgress(item, 'finishing', 1, 0))).toBe(true);
    expect(isUploadActive({ ...item, status: 'failed' })).toBe(false);
    expect(isUploadActive({ ...item, status: 'done' })).toBe(false);
  });

  it('leave out files Lathe could not read before sending any bytes', () => {
    const files = [
      { name: 'Model.Q4_K_M.GGUF', size: 10 },
      { name: 'notes.txt', size: 10 },
      { name: 'empty.gguf', size: 0 },
    ];
    const { uploadable, skipped } = splitUploadable(files);
    expect(uploadable.map((f) => f.name)).toEqual(['Model.Q4_K_M.GGUF']);
    expect(skipped).toEqual([
      { path: 'notes.txt', reason: 'not a .gguf file' },
      { path: 'empty.gguf', reason: 'the file is empty' },
    ]);
  });
});

describe('details and notices', () => {
  it('lists tensor types most common first, with shares', () => {
    expect(tensorTypeRows({ F32: 25, Q8_0: 75, Q6_K: 0 })).toEqual([
      { type: 'Q8_0', count: 75, share: '75%' },
      { type: 'F32', count: 25, share: '25%' },
    ]);
    expect(tensorTypeRows({})).toEqual([]);
  });

  it('sums up an add in a toast, or says nothing when nothing was chosen', () => {
    const name = () => 'SmolLM';
    expect(addedSummary({ added: [], skipped: [] }, name)).toBeNull();
    expect(addedSummary({ added: [modelEntry('a')], skipped: [] }, name)).toEqual({ title: 'Added SmolLM', message: 'It is in the table below.' });
    expect(addedSummary({ added: [modelEntry('a'), modelEntry('b')], skipped: [{ path: '/x', reason: 'r' }] }, name)).toEqual({
      title: 'Added 2 models',
      message: '1 file was left out: the reasons are listed on the page.',
    });
    expect(addedSummary({ added: [], skipped: [{ path: '/x', reason: 'r' }, { path: '/y', reason: 'r' }] }, name)?.title).toBe('No model added');
  });
});
