/**
 * What survives a restart of a download: `<dataDir>/downloads/<id>.part` (the bytes so far;
 * its length is the truth about how far it got) beside `<id>.json`, which names the
 * repository, file, size and SHA-256. Ids are made here; no name from the Hub ever names a
 * file in this folder. At start, downloads nobody has written to for a day are removed, as
 * are part files without a record and records without a part.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** Parts untouched for this long are removed at start. */
export const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;
const DOWNLOAD_ID = /^[A-Za-z0-9-]{1,64}$/;

const recordSchema = z.object({
  id: z.string().regex(DOWNLOAD_ID),
  repo: z.string().min(3).max(200),
  file: z.string().min(1).max(1000),
  sizeBytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  startedAt: z.number(),
});
export type DownloadRecord = z.infer<typeof recordSchema>;

export function isDownloadId(id: string): boolean {
  return DOWNLOAD_ID.test(id);
}

export function partPath(dir: string, id: string): string {
  return join(dir, `${id}.part`);
}

function recordPath(dir: string, id: string): string {
  return join(dir, `${id}.json`);
}

/** Writes the record and an empty part (unless one is there). */
export async function createRecord(dir: string, record: DownloadRecord): Promise<void> {
  await writeFile(partPath(dir, record.id), new Uint8Array(), { flag: 'a' });
  await writeFile(recordPath(dir, record.id), JSON.stringify(record));
}

export async function removeRecord(dir: string, id: string): Promise<void> {
  await rm(partPath(dir, id), { force: true });
  await rm(recordPath(dir, id), { force: true });
}

/** The downloads a previous run left that can continue, with the bytes each has; the rest are removed. */
export async function loadRecords(dir: string, now: number): Promise<{ record: DownloadRecord; receivedBytes: number }[]> {
  const names = await readdir(dir);
  const kept: { record: DownloadRecord; receivedBytes: number }[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -'.json'.length);
    const record = await readRecord(join(dir, name));
    const part = record && record.id === id ? await stat(partPath(dir, id)).catch(() => null) : null;
    if (!record || !part || part.size > record.sizeBytes || now - part.mtimeMs > ABANDONED_AFTER_MS) {
      await removeRecord(dir, id);
      continue;
    }
    kept.push({ record, receivedBytes: part.size });
  }
  const keptIds = new Set(kept.map((k) => k.record.id));
  // Parts without a record cannot be finished: nothing says what they were.
  for (const name of names) {
    if (name.endsWith('.part') && !keptIds.has(name.slice(0, -'.part'.length))) await rm(join(dir, name), { force: true });
  }
  return kept.sort((a, b) => a.record.startedAt - b.record.startedAt);
}

async function readRecord(path: string): Promise<DownloadRecord | null> {
  try {
    const text = await readFile(path, 'utf8');
    if (text.length > 8192) return null;
    const parsed = recordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
