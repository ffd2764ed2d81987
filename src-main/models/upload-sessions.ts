/**
 * Resumable uploads from the web UI: a browser on a laptop sends a multi-GB GGUF or dataset
 * to the GPU box in chunks (HTTP PUT /upload/<uploadId>), and after a dropped connection
 * carries on from the byte the server reports. Bytes go to `<dataDir>/uploads/<uploadId>.part`
 * beside a small `<uploadId>.json` that names the upload and what it is for (its purpose), so
 * a session survives a restart; the part file's length is the truth about how much has
 * arrived. A finished upload is handed to its purpose's finisher: a model is read as a GGUF
 * before it is kept (valid ones move to `<dataDir>/models/` and are listed as owned); a
 * dataset goes to the dataset library, which imports it.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LatheError, type DatasetEntry, type ModelEntry, type ModelFacts, type UploadSession } from '../contract';
import { whyNotReadable } from './file-problems';
import { withAppName } from './model-display-name';
import { UploadOffsetConflict, UploadTooLarge } from './upload-errors';
import { moveToFreeName, safeModelFileName } from './upload-file-name';

/** What a finished upload is handed to: the model library. */
export interface UploadTarget {
  inspectFile(path: string): Promise<ModelFacts>;
  adoptOwnedFile(path: string, facts: ModelFacts, origin: 'upload'): ModelEntry;
}

/** What each purpose's finished upload becomes. */
export interface UploadResults {
  model: ModelEntry;
  dataset: DatasetEntry;
}

export type UploadPurpose = keyof UploadResults;

/** A complete upload, ready to be kept: the bytes at `partPath`, the name the browser sent. */
export interface FinishedUpload {
  partPath: string;
  fileName: string;
}

/**
 * Keeps a finished upload: moves the part file away and lists it, or throws. The session
 * ends when it returns; when it throws, the session is dropped too if the bytes were refused
 * (`invalid_file`, `unsupported`) or are gone, and kept otherwise so finishing can be tried again.
 */
export type UploadFinisher<P extends UploadPurpose> = (upload: FinishedUpload) => Promise<UploadResults[P]>;

export interface UploadSessionsDeps {
  dataDir: string;
  /** Finishes model uploads. */
  library: UploadTarget;
  /** Finishers for the other purposes; a purpose without one refuses to begin. */
  finishers?: { [P in Exclude<UploadPurpose, 'model'>]?: UploadFinisher<P> };
  clock?: () => number;
  newId?: () => string;
}

/** One request carries at most this much: a lost request then costs little to send again. */
export const MAX_UPLOAD_CHUNK_BYTES = 64 * 1024 * 1024;
/** Parts nobody has written to for this long are removed at start. */
const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000;
/** Ids are made here (UUIDs); anything else never names a file. */
const UPLOAD_ID = /^[A-Za-z0-9-]{1,64}$/;

const recordSchema = z.object({
  uploadId: z.string().regex(UPLOAD_ID),
  fileName: z.string().min(1).max(255),
  size: z.number().int().positive(),
  // Records written before datasets could be uploaded are model uploads.
  purpose: z.enum(['model', 'dataset']).default('model'),
});
type UploadRecord = z.infer<typeof recordSchema>;

interface Session {
  record: UploadRecord;
  receivedBytes: number;
  /** A chunk is being written or the upload is being finished: nothing else may touch it. */
  busy: boolean;
}

export class UploadSessions {
  private readonly uploadsDir: string;
  private readonly modelsDir: string;
  private readonly sessions = new Map<string, Session>();
  private readonly clock: () => number;
  private readonly newId: () => string;
  /** Loading the sessions left on disk; every call waits for it. */
  private readonly loaded: Promise<void>;

  constructor(private readonly deps: UploadSessionsDeps) {
    this.uploadsDir = join(deps.dataDir, 'uploads');
    this.modelsDir = join(deps.dataDir, 'models');
    this.clock = deps.clock ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
    this.loaded = this.load();
    // A failure is reported by the first call that waits for it.
    this.loaded.catch(() => undefined);
  }

  /** Resolves once earlier sessions are loaded and abandoned ones removed. */
  start(): Promise<void> {
    return this.loaded;
  }

  /** Starts an upload, or picks up an unfinished one of the same file (same name, size and purpose). */
  async begin({ fileName, size, purpose = 'model' }: { fileName: string; size: number; purpose?: UploadPurpose }): Promise<UploadSession> {
    await this.loaded;
    if (purpose !== 'model' && !this.deps.finishers?.[purpose]) throw new LatheError('unavailable', `This server takes no ${purpose} uploads.`);
    const unfinished = [...this.sessions.values()].find((s) => s.record.fileName === fileName && s.record.size === size && s.record.purpose === purpose);
    if (unfinished) return describe(unfinished);
    const record: UploadRecord = { uploadId: this.newId(), fileName, size, purpose };
    await writeFile(this.partPath(record.uploadId), new Uint8Array(), { flag: 'wx' });
    await writeFile(this.recordPath(record.uploadId), JSON.stringify(record));
    const session: Session = { record, receivedBytes: 0, busy: false };
    this.sessions.set(record.uploadId, session);
    return describe(session);
  }

  /**
   * Writes one chunk at `offset`, which must be where the upload stands. Bytes that arrive
   * before a dropped connection are kept (the next chunk resumes after them); a chunk that
   * would pass the declared size is refused whole.
   */
  async append(uploadId: string, offset: number, body: AsyncIterable<Uint8Array>, declaredLength?: number): Promise<{ receivedBytes: number }> {
    const session = await this.session(uploadId);
    if (session.busy) throw new UploadOffsetConflict(session.receivedBytes, 'Another chunk of this upload is being written; wait for it, then resume.');
    if (offset !== session.receivedBytes) throw new UploadOffsetConflict(session.receivedBytes);
    const limit = Math.min(session.record.size - offset, MAX_UPLOAD_CHUNK_BYTES);
    if (declaredLength !== undefined && declaredLength > limit) throw tooLarge(session, offset, declaredLength);
    session.busy = true;
    const file = await open(this.partPath(uploadId), 'r+');
    let written = 0;
    try {
      for await (const chunk of body) {
        if (written + chunk.length > limit) throw tooLarge(session, offset, written + chunk.length);
        await file.write(chunk, 0, chunk.length, offset + written);
        written += chunk.length;
      }
    } catch (error) {
      if (error instanceof UploadTooLarge) {
        await file.truncate(offset);
        written = 0;
      }
      throw error;
    } finally {
      session.receivedBytes = offset + written;
      await file.close();
      session.busy = false;
    }
    return { receivedBytes: session.receivedBytes };
  }

  /**
   * Hands the complete file to its purpose's finisher (a model upload is read as a GGUF and
   * moved into the models folder). `purpose` must be the one the upload began with: a dataset
   * cannot be finished as a model.
   */
  async finish<P extends UploadPurpose = 'model'>(uploadId: string, purpose?: P): Promise<UploadResults[P]> {
    const session = await this.session(uploadId);
    const { fileName, size } = session.record;
    if (session.record.purpose !== (purpose ?? 'model')) {
      throw new LatheError('invalid_input', `${fileName} was uploaded as a ${session.record.purpose}, not as a ${purpose ?? 'model'}.`);
    }
    if (session.busy) throw new UploadOffsetConflict(session.receivedBytes, 'A chunk of this upload is still being written.');
    if (session.receivedBytes !== size) {
      throw new LatheError('invalid_input', `${fileName} is not complete: ${session.receivedBytes} of ${size} bytes arrived. Send the rest from byte ${session.receivedBytes}.`);
    }
    session.busy = true;
    const partPath = this.partPath(uploadId);
    try {
      const result = await this.finisherFor(session.record.purpose as P)({ partPath, fileName });
      await this.discard(uploadId);
      return result;
    } catch (error) {
      const refused = error instanceof LatheError && (error.kind === 'invalid_file' || error.kind === 'unsupported');
      if (refused || !(await stat(partPath).catch(() => null))) await this.discard(uploadId);
      throw error;
    } finally {
      session.busy = false;
    }
  }

  async cancel(uploadId: string): Promise<{ cancelled: boolean }> {
    await this.loaded;
    if (!UPLOAD_ID.test(uploadId) || !this.sessions.has(uploadId)) return { cancelled: false };
    await this.discard(uploadId);
    return { cancelled: true };
  }

  private finisherFor<P extends UploadPurpose>(purpose: P): UploadFinisher<P> {
    // The record's purpose was checked against the finishers when the upload began.
    const finisher =
      purpose === 'model'
        ? ((upload: FinishedUpload) => this.finishModel(upload)) as UploadFinisher<P>
        : (this.deps.finishers?.[purpose as Exclude<UploadPurpose, 'model'>] as UploadFinisher<P> | undefined);
    if (!finisher) throw new LatheError('unavailable', `This server takes no ${purpose} uploads.`);
    return finisher;
  }

  /** Reads the complete file as a GGUF; a valid one is moved into the models folder and listed as owned. */
  private async finishModel({ partPath, fileName }: FinishedUpload): Promise<ModelEntry> {
    let facts: ModelFacts;
    try {
      facts = await this.deps.library.inspectFile(partPath);
    } catch (error) {
      const kind = error instanceof LatheError && error.kind === 'unsupported' ? 'unsupported' : 'invalid_file';
      throw new LatheError(kind, `${fileName} was not kept: ${whyNotReadable(error)}`);
    }
    await mkdir(this.modelsDir, { recursive: true });
    const kept = await moveToFreeName(partPath, this.modelsDir, safeModelFileName(fileName));
    // The reader named it after the part file (`<uploadId>`) when the GGUF has no general.name.
    const named = withAppName(facts, partPath, safeModelFileName(fileName).replace(/\.gguf$/i, ''));
    try {
      return this.deps.library.adoptOwnedFile(kept, named, 'upload');
    } catch (error) {
      await rm(kept, { force: true });
      throw error;
    }
  }

  private async session(uploadId: string): Promise<Session> {
    await this.loaded;
    const session = UPLOAD_ID.test(uploadId) ? this.sessions.get(uploadId) : undefined;
    if (!session) throw new LatheError('not_found', 'There is no such upload: it finished, was cancelled, or was abandoned for over a day. Start it again.');
    return session;
  }

  private async discard(uploadId: string): Promise<void> {
    this.sessions.delete(uploadId);
    await rm(this.partPath(uploadId), { force: true });
    await rm(this.recordPath(uploadId), { force: true });
  }

  /** Takes back the sessions a previous run left, dropping abandoned and half-written ones. */
  private async load(): Promise<void> {
    await mkdir(this.uploadsDir, { recursive: true });
    const names = await readdir(this.uploadsDir);
    const now = this.clock();
    for (const name of names) {
      const id = name.replace(/\.(part|json)$/, '');
      if (this.sessions.has(id) || !name.endsWith('.json')) continue;
      const record = await readRecord(join(this.uploadsDir, name));
      const part = record && record.uploadId === id ? await stat(this.partPath(id)).catch(() => null) : null;
      if (!record || !part || part.size > record.size || now - part.mtimeMs > ABANDONED_AFTER_MS) {
        await rm(join(this.uploadsDir, name), { force: true });
        await rm(this.partPath(id), { force: true });
        continue;
      }
      this.sessions.set(id, { record, receivedBytes: part.size, busy: false });
    }
    // Part files without a record cannot be finished: nothing says what they were.
    for (const name of names) {
      const id = name.replace(/\.part$/, '');
      if (name.endsWith('.part') && !this.sessions.has(id)) await rm(join(this.uploadsDir, name), { force: true });
    }
  }

  private partPath(uploadId: string): string {
    return join(this.uploadsDir, `${uploadId}.part`);
  }

  private recordPath(uploadId: string): string {
    return join(this.uploadsDir, `${uploadId}.json`);
  }
}

function describe(session: Session): UploadSession {
  const { uploadId, fileName, size } = session.record;
  return { uploadId, fileName, size, receivedBytes: session.receivedBytes };
}

function tooLarge(session: Session, offset: number, bytes: number): UploadTooLarge {
  const room = session.record.size - offset;
  return bytes > MAX_UPLOAD_CHUNK_BYTES && room > MAX_UPLOAD_CHUNK_BYTES
    ? new UploadTooLarge(`A chunk may carry at most ${MAX_UPLOAD_CHUNK_BYTES} bytes; this one has ${bytes}.`)
    : new UploadTooLarge(`${session.record.fileName} was declared as ${session.record.size} bytes; this chunk would take it past that (${offset} + ${bytes}).`);
}

async function readRecord(path: string): Promise<UploadRecord | null> {
  try {
    const text = await readFile(path, 'utf8');
    if (text.length > 4096) return null;
    const parsed = recordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
