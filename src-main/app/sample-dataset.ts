/**
 * The question/answer set shipped with Lathe (build/samples/, or the packaged app's resources):
 * what `npm run demo` trains on and what the Train page offers to someone without data of
 * their own. It is copied into the data folder first, so the library owns its copy (deleting
 * the entry deletes the copy) and the bundled file is never watched, changed or removed.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LatheError, type DatasetEntry } from '../contract';
import type { DatasetLibrary } from '../datasets/dataset-library';

export const SAMPLE_DATASET_FILE = 'sample-qa.jsonl';
/** Prompts that are not in the sample set, for showing what a fine-tune did not learn. */
export const SAMPLE_HELDOUT_FILE = 'sample-qa.heldout.json';

export interface SampleDatasetDeps {
  datasets: Pick<DatasetLibrary, 'list' | 'adoptUpload'>;
  dataDir: string;
  samplesDir: string;
}

/**
 * Adds the sample set to the library, or returns the copy already there when its bytes are
 * still the bundled ones (asking twice must not fill the library with duplicates). The entry
 * may still be importing; the library's events say when it is ready.
 */
export async function addSampleDataset(deps: SampleDatasetDeps): Promise<DatasetEntry> {
  const bundled = join(deps.samplesDir, SAMPLE_DATASET_FILE);
  const bytes = await readFile(bundled).catch(() => {
    throw new LatheError('not_found', `The bundled sample dataset is missing (${bundled}). Reinstall Lathe to restore it.`);
  });
  for (const entry of deps.datasets.list()) {
    if (!entry.owned || entry.name !== SAMPLE_DATASET_FILE || entry.status === 'missing' || entry.status === 'failed') continue;
    const copy = await readFile(entry.path).catch(() => null);
    if (copy !== null && copy.equals(bytes)) return entry;
  }
  // Beside upload parts: the same file system as the library's folder (adopting renames), and a
  // copy left by a crash is swept with abandoned uploads at the next start.
  const uploads = join(deps.dataDir, 'uploads');
  await mkdir(uploads, { recursive: true });
  const partPath = join(uploads, `sample-${randomUUID()}.part`);
  await copyFile(bundled, partPath);
  try {
    return await deps.datasets.adoptUpload({ partPath, fileName: SAMPLE_DATASET_FILE });
  } finally {
    await rm(partPath, { force: true });
  }
}

/** The held-out prompts kept beside the sample set. */
export async function readSampleHeldout(samplesDir: string): Promise<string[]> {
  const path = join(samplesDir, SAMPLE_HELDOUT_FILE);
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  const prompts = (parsed as { prompts?: unknown }).prompts;
  if (!Array.isArray(prompts) || !prompts.every((prompt) => typeof prompt === 'string')) {
    throw new LatheError('corrupt', `${path} must hold {"prompts": [text, …]}.`);
  }
  return prompts;
}
