/**
 * A bounds-checked cursor over a window of the file. The GGUF header has no size field: it
 * ends where the last tensor info ends, and a 150,000-token vocabulary makes it several MB.
 * So the reader keeps a window (1 MiB to start) and moves or grows it as parsing goes, which
 * reads each byte of the header once and never the tensor data past one window.
 *
 * Parsing itself is synchronous (fast: no promise per value). A read past the window throws
 * `NeedMoreBytes`; `resumable` catches it, loads the bytes, and runs the step again from its
 * last checkpoint (the start of the value, or of the array element, that ran out). A read
 * past the end of the *file* is a format error at once, naming the byte.
 */
import { formatByteSize, invalidGguf } from './gguf-errors';
import type { GgufReadStats } from './gguf-types';

/** Internal signal: the bytes up to `end` exist in the file but not in the window yet. */
export class NeedMoreBytes {
  constructor(readonly end: number) {}
}

/** Where the bytes come from: `FileHandle.read`, returning how many bytes it read. */
export type ReadAt = (buffer: Buffer, offset: number, length: number, position: number) => Promise<number>;

export interface WindowLimits {
  /** Bytes to read at a time, and the smallest window. */
  windowBytes: number;
  /** The header (everything before the tensor data) may not be larger than this. */
  maxHeaderBytes: number;
}

export class HeaderWindow {
  /** File offset of the next byte to read. */
  pos = 0;
  /** File offset a step resumes from after loading more bytes: move it with `commit`. */
  checkpoint = 0;
  /** What is being read, for messages: `the value of 'general.name'`. */
  context = '';
  private buf: Buffer = Buffer.alloc(0);
  /** File offsets of buf[0] and of the byte after the last valid one. */
  private bufStart = 0;
  private bufEnd = 0;

  constructor(
    private readonly readAt: ReadAt,
    readonly fileSize: number,
    readonly path: string,
    private readonly limits: WindowLimits,
    private readonly stats: GgufReadStats,
  ) {}

  /** The current buffer; indexes from `take` point into it until the next `resumable` load. */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Bytes the window holds from `pos` on. */
  get available(): number {
    return this.bufEnd - this.pos;
  }

  get maxHeaderBytes(): number {
    return this.limits.maxHeaderBytes;
  }

  /** Index in `buffer` of a file offset the window holds. */
  indexOf(fileOffset: number): number {
    return fileOffset - this.bufStart;
  }

  /** Claims `n` bytes at `pos` and returns their index in `buffer`. */
  take(n: number, what: string): number {
    const start = this.pos;
    const end = start + n;
    if (end > this.bufEnd) {
      if (end > this.fileSize) throw this.pastEnd(what, start);
      throw new NeedMoreBytes(end);
    }
    this.pos = end;
    return start - this.bufStart;
  }

  u8(what: string): number {
    return this.buf[this.take(1, what)] as number;
  }
  u32(what: string): number {
    return this.buf.readUInt32LE(this.take(4, what));
  }
  /** A uint64 as a number: exact below 2^53, and still above every file size when it is not. */
  u64(what: string): number {
    const i = this.take(8, what);
    return this.buf.readUInt32LE(i) + this.buf.readUInt32LE(i + 4) * 0x1_0000_0000;
  }
  /** The exact uint64 at a file offset just read (for messages about absurd values). */
  u64TextAt(fileOffset: number): string {
    return this.buf.readBigUInt64LE(fileOffset - this.bufStart).toString();
  }

  /** Ends the current step here: a retry after loading more bytes resumes from this point. */
  commit(): void {
    this.checkpoint = this.pos;
  }

  /** Runs a synchronous parsing step, loading more of the file each time it runs out. */
  async resumable<T>(step: () => T): Promise<T> {
    for (;;) {
      this.checkpoint = this.pos;
      try {
        return step();
      } catch (error) {
        if (!(error instanceof NeedMoreBytes)) throw error;
        this.pos = this.checkpoint;
        await this.load(this.checkpoint, error.end);
      }
    }
  }

  /** A format error at a byte offset, with what was being read. */
  fail(problem: string): never {
    throw invalidGguf(this.context ? `${problem}, while reading ${this.context}` : problem, this.path);
  }

  private pastEnd(what: string, at: number): Error {
    const where = this.context ? `, while reading ${this.context}` : '';
    return invalidGguf(`${what} at byte ${at} runs past the end of the file (${formatByteSize(this.fileSize)})${where}`, this.path);
  }

  /**
   * Makes the window hold [keepFrom, needEnd): keeps the bytes already read from `keepFrom`
   * on, grows the buffer (doubling, never past the rest of the file) only when the step needs
   * more than it holds, and reads new bytes after the ones it has, so no byte is read twice.
   */
  private async load(keepFrom: number, needEnd: number): Promise<void> {
    const { windowBytes, maxHeaderBytes } = this.limits;
    if (needEnd > maxHeaderBytes) {
      this.fail(
        `the header runs past ${formatByteSize(maxHeaderBytes)} (it needs byte ${needEnd - 1}), the most Lathe reads: no model's header is that large`,
      );
    }
    const needed = needEnd - keepFrom;
    const restOfFile = this.fileSize - keepFrom;
    let size = this.buf.length;
    if (needed > size) {
      size = Math.min(Math.max(needed, size * 2, windowBytes), restOfFile, Math.max(needed, maxHeaderBytes - keepFrom));
    }
    const kept = this.bufEnd - keepFrom;
    if (size !== this.buf.length) {
      const grown = Buffer.allocUnsafe(size);
      this.buf.copy(grown, 0, keepFrom - this.bufStart, this.bufEnd - this.bufStart);
      this.buf = grown;
      this.stats.bytesAllocated += size;
      this.stats.largestBuffer = Math.max(this.stats.largestBuffer, size);
    } else {
      this.buf.copyWithin(0, keepFrom - this.bufStart, this.bufEnd - this.bufStart);
    }
    this.bufStart = keepFrom;
    this.bufEnd = keepFrom + kept;

    const fillTo = Math.min(keepFrom + size, this.fileSize);
    while (this.bufEnd < fillTo) {
      const got = await this.readAt(this.buf, this.bufEnd - keepFrom, fillTo - this.bufEnd, this.bufEnd);
      this.stats.readCalls += 1;
      this.stats.bytesRead += got;
      if (got === 0) {
        throw invalidGguf(
          `the file ended at byte ${this.bufEnd} while Lathe was reading it, but it was ${formatByteSize(this.fileSize)} when opened: it was changed or cut short meanwhile`,
          this.path,
        );
      }
      this.bufEnd += got;
    }
  }
}
