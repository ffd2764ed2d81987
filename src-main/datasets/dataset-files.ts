/**
 * Where a dataset's own files live in the data folder, and reading and writing them:
 *
 *   <data>/datasets/<id>/problems.jsonl   every row problem of the last complete read
 *   <data>/datasets/<id>/<name>           the file itself, when it was uploaded (owned)
 *   <data>/prepared/<key>/                prepared data (prepared-repository.ts)
 *
 * Files are written to a temporary name and renamed, so a half-written report is never read.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { cleanFileName, MAX_FILE_STEM_LENGTH } from '../files/safe-file-name';
import { createInterface } from 'node:readline';
import type { RowProblem } from '../contract';
import { whyNotReadable } from '../models/file-problems';
import type { FileStamp } from './dataset-repository';

export function datasetDir(dataDir: string, id: string): string {
  return join(dataDir, 'datasets', id);
}

export function problemsFile(dataDir: string, id: string): string {
  return join(datasetDir(dataDir, id), 'problems.jsonl');
}

export function preparedRoot(dataDir: string): string {
  return join(dataDir, 'prepared');
}

/** One problem per line, `{"line":12,"reason":"…"}`: the same form `datasets.problems` answers with. */
export async function writeProblems(dataDir: string, id: string, problems: readonly RowProblem[]): Promise<void> {
  const file = problemsFile(dataDir, id);
  await mkdir(datasetDir(dataDir, id), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, problems.map((p) => `${JSON.stringify({ line: p.line, reason: p.reason })}\n`).join(''));
  await rename(temporary, file);
}

/** Every problem of the last complete read; none when the dataset was never read completely. */
export async function readProblems(dataDir: string, id: string): Promise<RowProblem[]> {
  const file = problemsFile(dataDir, id);
  if (!(await stat(file).catch(() => null))) return [];
  const problems: RowProblem[] = [];
  // Line by line: a file with a million bad rows is read without holding its text twice.
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const { line: number, reason } = JSON.parse(line) as RowProblem;
    problems.push({ line: number, reason });
  }
  return problems;
}

/** The file's size and modification time now, or null when it is gone (or not a file). */
export async function fileStamp(path: string): Promise<FileStamp | null> {
  const info = await stat(path).catch(() => null);
  return info?.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null;
}

/** Why `path` cannot be imported as a dataset file (nothing there, a folder…), or null when it is a file. */
export async function whyNotAFile(path: string): Promise<string | null> {
  try {
    return (await stat(path)).isFile() ? null : 'It is not a file (a folder cannot be a dataset).';
  } catch (error) {
    return whyNotReadable(error);
  }
}

/**
 * Whether two looks at a file saw the same file. Modification times are compared to the
 * millisecond: a time set back with `utimes` (a restored backup, a sync tool) does not
 * round-trip the sub-millisecond part exactly.
 */
export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  return a !== null && b !== null && a.size === b.size && Math.abs(a.mtimeMs - b.mtimeMs) < 1;
}

export async function removeDatasetDir(dataDir: string, id: string): Promise<void> {
  await rm(datasetDir(dataDir, id), { recursive: true, force: true });
}

export function isInside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The name an uploaded dataset is kept under: the browser's name without folders, `..` or
 * characters Windows refuses, and its extension kept (the readers look at it as a hint).
 */
export function safeDatasetFileName(sent: string): string {
  const name = cleanFileName(sent, 'dataset');
  const extension = extname(name).slice(0, 16);
  const stem = name.slice(0, name.length - extname(name).length);
  return `${stem.slice(0, MAX_FILE_STEM_LENGTH) || 'dataset'}${extension}`;
}
