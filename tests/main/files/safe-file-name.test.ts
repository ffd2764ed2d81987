import { describe, expect, it } from 'vitest';
import { safeDatasetFileName } from '../../../src-main/datasets/dataset-files';
import { cleanFileName } from '../../../src-main/files/safe-file-name';
import { safeModelFileName } from '../../../src-main/models/upload-file-name';

describe('names sent by a browser or a server', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\x\\notes.jsonl', 'notes.jsonl'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['  ..hidden. ', 'hidden'],
    ['CON.txt', '_CON.txt'],
    ['tab\there', 'tab_here'],
    ['..', 'fallback'],
    ['dir/', 'fallback'],
  ])('%j becomes %j', (sent, expected) => {
    expect(cleanFileName(sent, 'fallback')).toBe(expected);
  });

  it('keep each kind of file its extension and a bounded length', () => {
    expect(safeModelFileName('../weights')).toBe('weights.gguf');
    expect(safeModelFileName('Model.GGUF')).toBe('Model.GGUF');
    expect(safeDatasetFileName('/tmp/../data.csv')).toBe('data.csv');
    expect(safeDatasetFileName('..')).toBe('dataset');
    expect(safeModelFileName(`${'x'.repeat(400)}.gguf`)).toHaveLength(180 + '.gguf'.length);
  });
});
