/**
 * Downloads of GGUF files from the Hub, a few at a time. Each one streams into
 * `<dataDir>/downloads/<id>.part` (download-records.ts keeps it across restarts), resumes
 * with HTTP Range after a dropped connection (a few tries on its own, then on request, and
 * on the next start), and when complete is checked twice before it is kept: its SHA-256
 * against the LFS oid the Hub publishes, then its header by the GGUF reader. Only then is it
 * moved into `<dataDir>/models/` (under the file's own name made safe, never a path from the
 * Hub) and listed as an owned model with origin `download`. A refused file is removed and
 * nothing is added. Cancelling removes the partial file.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LatheError, type DownloadEntry, type DownloadEvent, type ModelEntry, type ModelFacts } from '../../contract';
import { diskSpaceFor } from '../../hardware/disk-space';
import { formatBytes } from '../../training/memory-units';
import { hashFile as defaultHashFile, type HashFile } from '../file-hash';
import { whyNotReadable } from '../file-problems';
import { withAppName } from '../model-display-name';
import { moveToFreeName, safeModelFileName } from '../upload-file-name';
import type { HubTreeFile } from './hub-client';
import { checkRepoFilePath, checkRepoId, isSplitPart } from './hub-names';
import { createRecord, isDownloadId, loadRecords, partPath, removeRecord, type DownloadRecord } from './download-records';
import { DownloadRate } from './download-rate';
import { downloadPart } from './part-download';

/** Where the bytes come from: the Hub client. */
export interface DownloadSource {
  ggufFiles(repo: string): Promise<HubTreeFile[]>;
  resolveUrl(repo: string, path: string): string;
  authorization(): Record<string, string>;
}

/** Where a finished file goes: the model library. */
export interface DownloadTarget {
  list(): ModelEntry[];
  inspectFile(path: string): Promise<ModelFacts>;
  adoptOwnedFile(path: string, facts: ModelFacts, origin: 'download', sha256?: string | null): ModelEntry;
}

export interface DownloadQueueDeps {
  dataDir: string;
  source: DownloadSource;
  library: DownloadTarget;
  /** Downloads at once (default 2: more rarely makes one faster, and each holds a connection). */
  concurrency?: number;
  /** Free bytes where the downloads folder lives; null when unknown. */
  freeBytes?: (dir: string) => Promise<number | null>;
  /** Waits before each automatic retry after a dropped connection (default 2 s, 5 s, 15 s). */
  retryDelaysMs?: readonly number[];
  /** No byte for this long ends an attempt (default 60 s). */
  stallTimeoutMs?: number;
  /** At most one progress event per download per this many ms (default 250). */
  progressIntervalMs?: number;
  fetch?: typeof fetch;
  hashFile?: HashFile;
  clock?: () => number;
  newId?: () => string;
  logError?: (context: string, error: unknown) => void;
}

interface Download {
  entry: DownloadEntry;
  record: DownloadRecord;
  controller: AbortController | null;
  running: Promise<void> | null;
  rate: DownloadRate;
  emittedAt: number;
  /** Set by cancel: the running attempt removes the part when it stops. */
  cancelled: boolean;
}

const ACTIVE: ReadonlySet<DownloadEntry['state']> = new Set(['queued', 'downloading', 'verifying']);

export class DownloadQueue {
  private readonly dir: string;
  private readonly modelsDir: string;
  private readonly downloads = new Map<string, Download>();
  private readonly listeners = new Set<(event: DownloadEvent) => void>();
  private readonly clock: () => number;
  private readonly concurrency: number;
  private loaded: Promise<void> | null = null;
  private closing = false;

  constructor(private readonly deps: DownloadQueueDeps) {
    this.dir = join(deps.dataDir, 'downloads');
    this.modelsDir = join(deps.dataDir, 'models');
    this.clock = deps.clock ?? Date.now;
    this.concurrency = Math.max(1, deps.concurrency ?? 2);
  }

  /** Removes abandoned partial downloads and continues the others. */
  start(): Promise<void> {
    this.loaded ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      for (const { record, receivedBytes } of await loadRecords(this.dir, this.clock())) {
        this.downloads.set(record.id, this.track(record, receivedBytes));
      }
      this.pump();
    })();
    return this.loaded;
  }

  list(): DownloadEntry[] {
    return [...this.downloads.values()].map((d) => ({ ...d.entry }));
  }

  /**
   * Queues `file` of `repo`. Refused before a byte is fetched when the repository has no such
   * GGUF file, the Hub publishes no SHA-256 for it, or the disk has too little room.
   */
  async add(repo: string, file: string): Promise<DownloadEntry> {
    await this.start();
    checkRepoId(repo);
    checkRepoFilePath(file);
    const same = [...this.downloads.values()].find((d) => d.record.repo === repo && d.record.file === file && d.entry.state !== 'done');
    if (same) return ACTIVE.has(same.entry.state) ? { ...same.entry } : this.retry(same.entry.id);
    const listed = await this.deps.source.ggufFiles(repo);
    if (listed.length === 0) throw new LatheError('invalid_input', `${repo} has no GGUF files. Lathe runs and trains GGUF models; look for a repository whose name ends in -GGUF.`);
    const found = listed.find((f) => f.path === file);
    if (!found) {
      const names = listed.slice(0, 8).map((f) => f.path).join(', ');
      throw new LatheError('not_found', `${repo} has no file ${file}. Its GGUF files: ${names}${listed.length > 8 ? ', …' : ''}.`);
    }
    if (isSplitPart(file)) throw new LatheError('unsupported', `${file} is one part of a split model; Lathe reads single-file GGUF models. Choose a file without "-of-" in its name.`);
    if (found.sha256 === null) throw new LatheError('unsupported', `The Hub publishes no SHA-256 for ${file}, so its download could not be checked; Lathe does not download it.`);
    const have = this.deps.library.list().find((m) => m.sha256 === found.sha256 && m.status === 'ready');
    if (have) throw new LatheError('invalid_input', `${file} is already in your models (${have.facts?.displayName ?? have.path}).`);
    await this.checkRoom(found.sizeBytes);
    const record: DownloadRecord = { id: (this.deps.newId ?? randomUUID)(), repo, file, sizeBytes: found.sizeBytes, sha256: found.sha256, startedAt: this.clock() };
    await createRecord(this.dir, record);
    const download = this.track(record, 0);
    this.downloads.set(record.id, download);
    this.emit(download);
    const queued = { ...download.entry };
    this.pump();
    return queued;
  }

  /** Stops a download and removes its partial file; a finished or failed one is taken off the list. */
  async cancel(id: string): Promise<{ cancelled: boolean }> {
    await this.start();
    const download = isDownloadId(id) ? this.downloads.get(id) : undefined;
    if (!download) return { cancelled: false };
    const wasActive = ACTIVE.has(download.entry.state);
    download.cancelled = true;
    download.controller?.abort();
    await download.running;
    if (download.entry.state !== 'done') await removeRecord(this.dir, id);
    this.downloads.delete(id);
    this.emitRemoved(id);
    return { cancelled: wasActive };
  }

  /** Queues a failed download again, from the bytes on disk when it kept them. */
  async retry(id: string): Promise<DownloadEntry> {
    await this.start();
    const download = isDownloadId(id) ? this.downloads.get(id) : undefined;
    if (!download) throw new LatheError('not_found', 'There is no such download: it finished or was cancelled.');
    if (download.entry.state !== 'failed') return { ...download.entry };
    const kept = await stat(partPath(this.dir, id)).catch(() => null);
    if (!kept) {
      await this.checkRoom(download.record.sizeBytes);
      await createRecord(this.dir, download.record);
    }
    Object.assign(download.entry, { state: 'queued', problem: null, receivedBytes: kept?.size ?? 0, resumable: true, bytesPerSecond: null, etaSeconds: null });
    this.emit(download);
    this.pump();
    return { ...download.entry };
  }

  subscribe(listener: (event: DownloadEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every download, keeping its partial file for the next start. */
  async close(): Promise<void> {
    this.closing = true;
    await this.loaded?.catch(() => undefined);
    for (const download of this.downloads.values()) download.controller?.abort();
    await Promise.all([...this.downloads.values()].map((d) => d.running));
    this.listeners.clear();
  }

  private track(record: DownloadRecord, receivedBytes: number): Download {
    const entry: DownloadEntry = {
      id: record.id,
      repo: record.repo,
      file: record.file,
      sizeBytes: record.sizeBytes,
      receivedBytes,
      bytesPerSecond: null,
      etaSeconds: null,
      state: 'queued',
      problem: null,
      resumable: true,
      modelId: null,
      startedAt: record.startedAt,
    };
    return { entry, record, controller: null, running: null, rate: new DownloadRate(this.clock), emittedAt: 0, cancelled: false };
  }

  private pump(): void {
    if (this.closing) return;
    let running = [...this.downloads.values()].filter((d) => d.running !== null).length;
    for (const download of this.downloads.values()) {
      if (running >= this.concurrency) return;
      if (download.entry.state !== 'queued' || download.running !== null) continue;
      running++;
      download.running = this.run(download)
        .catch((error: unknown) => this.deps.logError?.('download', error))
        .finally(() => {
          download.running = null;
          download.controller = null;
          this.pump();
        });
    }
  }

  private async run(download: Download): Promise<void> {
    const { entry, record } = download;
    const controller = new AbortController();
    download.controller = controller;
    this.setState(download, 'downloading');
    const delays = this.deps.retryDelaysMs ?? [2000, 5000, 15_000];
    for (let attempt = 0; ; attempt++) {
      download.rate.reset();
      download.rate.add(entry.receivedBytes);
      try {
        await downloadPart({
          url: this.deps.source.resolveUrl(record.repo, record.file),
          headers: this.deps.source.authorization(),
          partPath: partPath(this.dir, record.id),
          offset: entry.receivedBytes,
          sizeBytes: record.sizeBytes,
          signal: controller.signal,
          stallTimeoutMs: this.deps.stallTimeoutMs ?? 60_000,
          fetch: this.deps.fetch,
          onBytes: (bytes) => this.progress(download, bytes),
        });
        break;
      } catch (error) {
        if (controller.signal.aborted) return this.stopped(download);
        entry.receivedBytes = (await stat(partPath(this.dir, record.id)).catch(() => null))?.size ?? 0;
        const delay = delays[attempt];
        if (error instanceof LatheError && error.kind === 'unavailable' && delay !== undefined) {
          entry.problem = `${error.message} Trying again in ${Math.round(delay / 1000)} s.`;
          this.emit(download);
          if (!(await sleep(delay, controller.signal))) return this.stopped(download);
          continue;
        }
        // A web page or bytes that are not a GGUF are refused whole: nothing of them is kept.
        const refused = error instanceof LatheError && error.kind === 'invalid_file';
        return this.fail(download, error, !refused);
      }
    }
    await this.finish(download, controller.signal);
  }

  /** Checks the complete part file and hands it to the library. */
  private async finish(download: Download, signal: AbortSignal): Promise<void> {
    const { entry, record } = download;
    const part = partPath(this.dir, record.id);
    entry.receivedBytes = record.sizeBytes;
    this.setState(download, 'verifying');
    let sha256: string;
    try {
      sha256 = await (this.deps.hashFile ?? defaultHashFile)(part, { signal });
    } catch (error) {
      if (signal.aborted) return this.stopped(download);
      return this.fail(download, error, true);
    }
    if (sha256 !== record.sha256) {
      return this.fail(
        download,
        new LatheError('invalid_file', `${record.file} does not match the SHA-256 the Hub publishes (expected ${record.sha256.slice(0, 12)}…, got ${sha256.slice(0, 12)}…); the file was removed and nothing was added. Try again.`),
        false,
      );
    }
    let facts: ModelFacts;
    try {
      facts = await this.deps.library.inspectFile(part);
    } catch (error) {
      return this.fail(download, new LatheError('invalid_file', `${record.file} was not kept: ${whyNotReadable(error)}`), false);
    }
    const name = safeModelFileName(record.file.split('/').pop() ?? record.file);
    let model: ModelEntry;
    try {
      await mkdir(this.modelsDir, { recursive: true });
      const kept = await moveToFreeName(part, this.modelsDir, name);
      try {
        model = this.deps.library.adoptOwnedFile(kept, withAppName(facts, part, name.replace(/\.gguf$/i, '')), 'download', sha256);
      } catch (error) {
        await rm(kept, { force: true });
        throw error;
      }
    } catch (error) {
      return this.fail(download, error, false);
    }
    await removeRecord(this.dir, record.id);
    entry.modelId = model.id;
    Object.assign(entry, { bytesPerSecond: null, etaSeconds: null, problem: null });
    this.setState(download, 'done');
  }

  /** An attempt ended by cancel (the part goes, in `cancel`) or by close (the part stays for the next start). */
  private stopped(download: Download): void {
    if (download.cancelled) download.entry.state = 'cancelled';
    else download.entry.state = 'queued';
  }

  private async fail(download: Download, error: unknown, keepPart: boolean): Promise<void> {
    const { entry } = download;
    if (!keepPart) {
      await removeRecord(this.dir, entry.id);
      entry.receivedBytes = 0;
    }
    const message = error instanceof LatheError ? error.message : `The download failed: ${error instanceof Error ? error.message : String(error)}`;
    if (!(error instanceof LatheError)) this.deps.logError?.('download', error);
    Object.assign(entry, { problem: message, resumable: keepPart, bytesPerSecond: null, etaSeconds: null });
    this.setState(download, 'failed');
  }

  private async checkRoom(sizeBytes: number): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const free = await (this.deps.freeBytes ?? defaultFreeBytes)(this.dir);
    if (free !== null && sizeBytes > free) {
      throw new LatheError('unwritable', `The file is ${formatBytes(sizeBytes)} but the disk holding ${this.dir} has ${formatBytes(free)} free. Free some space and try again.`);
    }
  }

  private progress(download: Download, bytes: number): void {
    const { entry } = download;
    entry.receivedBytes = bytes;
    download.rate.add(bytes);
    entry.bytesPerSecond = download.rate.bytesPerSecond();
    entry.etaSeconds = download.rate.etaSeconds(entry.sizeBytes - bytes);
    entry.problem = null;
    const now = this.clock();
    if (now - download.emittedAt >= (this.deps.progressIntervalMs ?? 250)) this.emit(download);
  }

  private setState(download: Download, state: DownloadEntry['state']): void {
    download.entry.state = state;
    this.emit(download);
  }

  private emit(download: Download): void {
    download.emittedAt = this.clock();
    this.send({ type: 'changed', download: { ...download.entry } });
  }

  private emitRemoved(id: string): void {
    this.send({ type: 'removed', id });
  }

  private send(event: DownloadEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logError?.('download event listener', error);
      }
    }
  }
}

async function defaultFreeBytes(dir: string): Promise<number | null> {
  return (await diskSpaceFor(dir))?.freeBytes ?? null;
}

/** Waits `ms`; false when `signal` aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
