/**
 * The bundled sample set through the real composition root: `datasets.addSample` copies it
 * into the data folder (the library owns the copy), it imports with no problems as
 * question/answer pairs, asking twice gives the same entry, and the bundled file is never
 * touched — not even when the library's copy is deleted.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLatheServices, type LatheServices } from '../../../src-main/app/lathe-services';
import { appPathsFromBundle } from '../../../src-main/app/paths';
import { readSampleHeldout, SAMPLE_DATASET_FILE } from '../../../src-main/app/sample-dataset';
import { untilImported } from '../../../src-main/datasets/until-imported';

const paths = appPathsFromBundle(new URL('../../../out/main/cli.js', import.meta.url).href);
const bundled = join(paths.samplesDir, SAMPLE_DATASET_FILE);
const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
let services: LatheServices | null = null;

afterEach(async () => {
  await services?.close();
  services = null;
});

async function start(): Promise<{ services: LatheServices; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lathe-sample-'));
  services = await startLatheServices({ dataDir, paths, env: { ...process.env, LATHE_DATA_DIR: dataDir }, platform: process.platform, version: 'test', transport: 'web' });
  return { services, dataDir };
}

describe('the sample dataset', () => {
  it('imports a copy with no problems, detected as question/answer pairs', async () => {
    const before = digest(bundled);
    const { services, dataDir } = await start();
    const added = await services.handlers['datasets.addSample']({});
    const entry = await untilImported(services.datasets, (added as { id: string }).id);
    expect(entry.status).toBe('ready');
    expect(entry.owned).toBe(true);
    expect(entry.path.startsWith(join(dataDir, 'datasets'))).toBe(true);
    expect(entry.inspection?.detection.shape).toBe('question_answer');
    expect(entry.inspection?.invalid).toBe(0);
    expect(entry.inspection?.rows).toBeGreaterThanOrEqual(24);
    expect(entry.inspection?.rows).toBeLessThanOrEqual(32);
    expect(await services.datasets.problems(entry.id)).toEqual([]);
    expect(digest(entry.path)).toBe(before);

    // Short answers, 2 to 8 words, so a small demo model can learn them by heart.
    const rows = await services.datasets.preview(entry.id, 0, 100);
    for (const row of rows) {
      const answer = row.conversation?.[1]?.content ?? '';
      expect(answer.split(/\s+/).length, answer).toBeGreaterThanOrEqual(2);
      expect(answer.split(/\s+/).length, answer).toBeLessThanOrEqual(8);
    }
    // The held-out prompts really are held out.
    const questions = new Set(rows.map((row) => row.conversation?.[0]?.content));
    const heldout = await readSampleHeldout(paths.samplesDir);
    expect(heldout.length).toBeGreaterThanOrEqual(3);
    expect(heldout.filter((prompt) => questions.has(prompt))).toEqual([]);

    // Asking again gives the copy already there, not a duplicate.
    const again = await services.handlers['datasets.addSample']({});
    expect((again as { id: string }).id).toBe(entry.id);
    expect(services.datasets.list()).toHaveLength(1);

    // Removing the entry deletes the library's copy, never the bundled file.
    await services.datasets.remove(entry.id);
    expect(existsSync(entry.path)).toBe(false);
    expect(digest(bundled)).toBe(before);
    expect(services.datasets.list()).toHaveLength(0);
  }, 60_000);
});
