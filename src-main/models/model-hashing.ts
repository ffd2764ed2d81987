/**
 * Hashing library models in the background on request: progress and the result go out as
 * model events, the digest is stored with the entry. A file that changes while it is read
 * gets no digest, since the one computed would describe neither version.
 */
import { stat } from 'node:fs/promises';
import { LatheError, type ModelEvent } from '../contract';
import type { HashFile } from './file-hash';
import { HashQueue } from './hash-queue';
import { toModelEntry, type ModelRepository } from './model-repository';

export interface ModelHashingDeps {
  repo: ModelRepository;
  hashFile: HashFile;
  emit: (event: ModelEvent) => void;
  /** How many files may be hashed at once. */
  concurrency: number;
}

export class ModelHashing {
  private readonly queue: HashQueue;

  constructor(private readonly deps: ModelHashingDeps) {
    this.queue = new HashQueue(deps.concurrency);
  }

  /** `started: false` when this model is already being hashed (or waiting to be). */
  start(id: string): { started: boolean } {
    const model = this.deps.repo.get(id);
    if (!model) throw new LatheError('not_found', 'That model is no longer in the library.');
    if (model.status === 'missing') throw new LatheError('not_found', `The file ${model.path} is missing, so it cannot be hashed.`);
    const cancelled = (): void => this.deps.emit({ type: 'hash-failed', id, message: 'Hashing was cancelled.' });
    return { started: this.queue.add(id, (signal) => this.hash(id, signal), cancelled) };
  }

  cancel(id: string): { cancelled: boolean } {
    return { cancelled: this.queue.cancel(id) };
  }

  /** Cancels and waits until the file is no longer being read (before it is deleted, say). */
  async stop(id: string): Promise<void> {
    this.queue.cancel(id);
    await this.queue.settled(id);
  }

  close(): Promise<void> {
    return this.queue.cancelAll();
  }

  private async hash(id: string, signal: AbortSignal): Promise<void> {
    const { repo, emit } = this.deps;
    const model = repo.get(id);
    if (!model) return; // removed while it waited
    try {
      const before = await stat(model.path);
      const sha256 = await this.deps.hashFile(model.path, {
        signal,
        onProgress: ({ bytesDone, bytesTotal }) => emit({ type: 'hash-progress', id, bytesDone, bytesTotal }),
      });
      const after = await stat(model.path);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
        throw new LatheError('invalid_file', 'The file changed while it was being hashed. Hash it again once it is complete.');
      }
      if (!repo.get(id)) return;
      repo.setSha256(id, sha256);
      emit({ type: 'hash-done', id, sha256 });
      const updated = repo.get(id);
      if (updated) emit({ type: 'changed', model: toModelEntry(updated) });
    } catch (error) {
      emit({ type: 'hash-failed', id, message: hashFailure(error, model.path) });
    }
  }
}

function hashFailure(error: unknown, path: string): string {
  if (error instanceof LatheError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `The file ${path} is gone.`;
  return `Reading ${path} failed (${code ?? (error as Error).message}).`;
}
