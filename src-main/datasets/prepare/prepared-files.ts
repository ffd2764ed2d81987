/**
 * The files of a prepared dataset (docs/prepared-data.md): per split, token ids (uint32),
 * loss mask (uint8) and example offsets (uint64, N + 1 values from 0), little-endian, plus
 * `manifest.json`. Examples are appended as they are made, through buffers written
 * asynchronously (this runs in the main process, whose thread must not wait on the disk), so
 * a split of any size is written in constant memory.
 */
import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { LatheError } from '../../contract';
import type { PrepareOptions } from '../../contract/dataset-types';

export const SPLIT_NAMES = ['train', 'validation'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export interface SplitCounts {
  examples: number;
  tokens: number;
  /** Tokens whose mask is 1. */
  maskedTokens: number;
}

export interface PreparedManifest {
  format: 'lathe-prepared';
  version: 1;
  tokenizer: { fingerprint: string; vocabSize: number; bos: number | null; eos: number | null };
  datasetHash: string;
  templateHash: string;
  options: PrepareOptions;
  splits: Record<SplitName, SplitCounts>;
}

const BUFFER_BYTES = 1 << 20;

/**
 * Appends to one file through two buffers: while one is on its way to the disk the other
 * fills, and a writer waits only when both are busy.
 */
class BufferedFile {
  private buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private spare = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<BufferedFile> {
    return new BufferedFile(await open(path, 'wx'));
  }

  async write(bytes: Uint8Array): Promise<void> {
    for (let from = 0; from < bytes.byteLength; ) {
      if (this.used === BUFFER_BYTES) await this.flush();
      const count = Math.min(bytes.byteLength - from, BUFFER_BYTES - this.used);
      this.buffer.set(bytes.subarray(from, from + count), this.used);
      this.used += count;
      from += count;
    }
  }

  async close(): Promise<void> {
    if (this.used > 0) await this.flush();
    await this.writing;
    await this.handle.close();
  }

  /** Closes without writing what is left (the folder is about to be removed). */
  async abandon(): Promise<void> {
    await this.writing.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    await this.writing; // the spare buffer is free once its write is done
    const full = this.buffer.subarray(0, this.used);
    [this.buffer, this.spare] = [this.spare, this.buffer];
    this.used = 0;
    const writing = writeAll(this.handle, full);
    writing.catch(() => undefined); // awaited (and thrown) at the next flush or close
    this.writing = writing;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.byteLength; ) done += (await handle.write(bytes, done, bytes.byteLength - done)).bytesWritten;
}

export class SplitWriter {
  private readonly offset = Buffer.alloc(8);
  private readonly counts: SplitCounts = { examples: 0, tokens: 0, maskedTokens: 0 };

  private constructor(
    private readonly tokens: BufferedFile,
    private readonly mask: BufferedFile,
    private readonly offsets: BufferedFile,
  ) {}

  static async create(dir: string, name: SplitName): Promise<SplitWriter> {
    // The format is little-endian and ids are written from memory as they are.
    if (endianness() !== 'LE') throw new LatheError('unsupported', 'Prepared datasets are little-endian; this machine is big-endian.');
    const files = await Promise.all(['tokens.u32', 'mask.u8', 'offsets.u64'].map((suffix) => BufferedFile.create(join(dir, `${name}.${suffix}`))));
    const writer = new SplitWriter(files[0] as BufferedFile, files[1] as BufferedFile, files[2] as BufferedFile);
    await writer.writeOffset(0);
    return writer;
  }

  async add(ids: Uint32Array, mask: Uint8Array): Promise<void> {
    await this.tokens.write(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
    await this.mask.write(mask);
    this.counts.examples++;
    this.counts.tokens += ids.length;
    for (let i = 0; i < mask.length; i++) this.counts.maskedTokens += mask[i] as number;
    await this.writeOffset(this.counts.tokens);
  }

  async close(): Promise<SplitCounts> {
    await Promise.all([this.tokens.close(), this.mask.close(), this.offsets.close()]);
    return { ...this.counts };
  }

  async abandon(): Promise<void> {
    await Promise.all([this.tokens.abandon(), this.mask.abandon(), this.offsets.abandon()]);
  }

  private async writeOffset(value: number): Promise<void> {
    this.offset.writeBigUInt64LE(BigInt(value));
    await this.offsets.write(this.offset);
  }
}

export async function writeManifest(dir: string, manifest: PreparedManifest): Promise<void> {
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
}
