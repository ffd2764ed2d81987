/**
 * A string array kept as the file's bytes, decoded one string at a time on demand. Decoding
 * a 150,000-token vocabulary and as many merges into JS strings costs tens of milliseconds,
 * which listing a model (vocabulary size, chat template) does not need; the bytes themselves
 * are one copy of what the header already held.
 */
export class GgufLazyStringArray {
  /**
   * @param bytes  the array's strings as stored: each a uint64 length then its UTF-8 bytes.
   * @param starts where each string's length field starts in `bytes` (already bounds-checked).
   */
  constructor(
    private readonly bytes: Buffer,
    private readonly starts: Uint32Array,
  ) {}

  get length(): number {
    return this.starts.length;
  }

  /** The string at `index` (invalid UTF-8 becomes U+FFFD, as for decoded arrays), or undefined past the end. */
  at(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.starts.length) return undefined;
    const start = (this.starts[index] as number) + 8;
    // Lengths were checked against the file when the array was read, so the high half is 0.
    const length = this.bytes.readUInt32LE(start - 8);
    return this.bytes.toString('utf8', start, start + length);
  }

  toArray(): string[] {
    const out = new Array<string>(this.starts.length);
    for (let i = 0; i < out.length; i++) out[i] = this.at(i) as string;
    return out;
  }
}
