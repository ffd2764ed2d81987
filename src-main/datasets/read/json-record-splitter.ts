/**
 * Finds the records of a JSON dataset without parsing the file whole: an incremental
 * scanner that tracks nesting depth, strings and escapes byte by byte, and hands out each
 * record's bytes for `JSON.parse` on its own. The records are the elements of a top-level
 * array, or of the one array of objects that a top-level object holds (`{"data": [...]}`).
 *
 * It checks structure only as far as it needs to find records: a damaged record is caught
 * when that record is parsed (a row problem), and the scan goes on to the next one. What
 * makes the file as a whole unreadable is a `LatheError`: no array of records at all (one
 * huge object), two of them (which one is the dataset?), or content after the JSON value.
 * Every byte is looked at once, so the scan always ends; a record over the cap is counted
 * and dropped, not held.
 */
import { LatheError } from '../../contract/errors';

export type JsonRecordPiece =
  | { index: number; line: number; bytes: Buffer; truncated: boolean }
  | { index: number; line: number; overlong: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const LF = 0x0a;
const MAX_KEY_BYTES = 1024;

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

type Phase = 'before' | 'array' | 'object' | 'after';

export class JsonRecordSplitter {
  /** The top-level key whose array holds the records; null for a top-level array (or none found yet). */
  recordsKey: string | null = null;
  private phase: Phase = 'before';
  private topIsObject = false;
  private depth = 0;
  private line = 1;
  private inString = false;
  private escape = false;
  // The records array, once found: its depth, and whether a record is due or being read.
  private recordsDepth = 0;
  private elementDue = false;
  private capturing = false;
  private parts: Buffer[] = [];
  private captureStart = 0;
  private capturedBytes = 0;
  private overlong = false;
  private index = 0;
  private elementLine = 0;
  // Members of a top-level object: the key being read, and what its value turns out to be.
  private expectKey = false;
  private readingKey = false;
  private keyBytes: number[] = [];
  private lastKey = '';
  private keyLine = 0;
  private valueDue = false;
  private decidingArray = false;
  private keys: string[] = [];
  private recordsKeyLine = 0;

  constructor(
    private readonly path: string,
    private readonly maxRecordBytes: number,
  ) {}

  /** The records completed in this chunk, in order. */
  push(chunk: Buffer): JsonRecordPiece[] {
    const out: JsonRecordPiece[] = [];
    this.captureStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === LF) this.line += 1;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (byte === BACKSLASH) this.escape = true;
        else if (byte === QUOTE) this.inString = false;
        if (this.readingKey) this.readKeyByte(byte);
        continue;
      }
      if (isJsonWhitespace(byte)) continue;
      if (this.phase === 'after') {
        throw this.invalid(`there is more after the JSON value ends, at line ${this.line} (a file with one record per line should be named .jsonl)`);
      }
      if (this.phase === 'before') {
        this.begin(byte, i);
        continue;
      }
      if (this.valueDue) this.startValue(byte);
      if (this.decidingArray) this.decideArray(byte);
      const atRecords = this.recordsDepth > 0 && this.depth === this.recordsDepth;
      if (atRecords && this.elementDue && byte !== CLOSE_BRACKET && byte !== CLOSE_BRACE) {
        this.startElement(i);
      }
      switch (byte) {
        case QUOTE:
          this.inString = true;
          if (this.phase === 'object' && this.depth === 1 && this.expectKey) this.startKey();
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET:
          this.depth += 1;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (atRecords) this.endRecords(chunk, i, out);
          this.depth -= 1;
          if (this.depth === 0) this.phase = 'after';
          break;
        case COMMA:
          if (atRecords) {
            this.endElement(chunk, i, out, false);
            this.elementDue = true;
          } else if (this.phase === 'object' && this.depth === 1) {
            this.expectKey = true;
          }
          break;
        case COLON:
          if (this.phase === 'object' && this.depth === 1 && !this.expectKey) this.valueDue = true;
          break;
        default:
          break;
      }
    }
    if (this.capturing) this.hold(chunk.subarray(this.captureStart));
    return out;
  }

  /** At the end of the file: a record cut short, or why the file holds no records. */
  end(): JsonRecordPiece[] {
    if (this.phase === 'before') throw this.invalid('it holds no JSON value');
    if (this.topIsObject && this.recordsKey === null) throw this.noRecords();
    const out: JsonRecordPiece[] = [];
    if (this.capturing) this.endElement(Buffer.alloc(0), 0, out, true);
    return out;
  }

  private begin(byte: number, at: number): void {
    if (byte === OPEN_BRACKET) {
      this.phase = 'array';
      this.depth = 1;
      this.recordsDepth = 1;
      this.elementDue = true;
    } else if (byte === OPEN_BRACE) {
      this.phase = 'object';
      this.topIsObject = true;
      this.depth = 1;
      this.expectKey = true;
    } else {
      throw this.invalid(`it holds a single value, not an array of records (it starts with \`${String.fromCharCode(byte)}\` at byte ${at})`);
    }
  }

  private startKey(): void {
    this.readingKey = true;
    this.keyBytes = [QUOTE];
    this.keyLine = this.line;
  }

  private readKeyByte(byte: number): void {
    if (this.keyBytes.length < MAX_KEY_BYTES) this.keyBytes.push(byte);
    if (this.inString) return;
    this.readingKey = false;
    this.expectKey = false;
    const raw = Buffer.from(this.keyBytes).toString('utf8');
    try {
      const key: unknown = JSON.parse(raw);
      this.lastKey = typeof key === 'string' ? key : raw;
    } catch {
      this.lastKey = raw.slice(1, -1);
    }
    if (this.keys.length < 20) this.keys.push(this.lastKey);
  }

  /** The first byte of a top-level member's value: an array might hold the records. */
  private startValue(byte: number): void {
    this.valueDue = false;
    if (this.depth === 1 && byte === OPEN_BRACKET) this.decidingArray = true;
  }

  /** The first byte inside a top-level member's array: `{` makes it an array of records. */
  private decideArray(byte: number): void {
    if (this.depth !== 2) return; // still on the `[` itself
    this.decidingArray = false;
    if (byte !== OPEN_BRACE) return; // an array of something else: skimmed
    if (this.recordsKey !== null) {
      throw this.invalid(
        `it holds more than one array of records (\`${this.recordsKey}\` at line ${this.recordsKeyLine} and \`${this.lastKey}\` ` +
          `at line ${this.keyLine}); save the one to train on as its own file`,
      );
    }
    this.recordsKey = this.lastKey;
    this.recordsKeyLine = this.keyLine;
    this.recordsDepth = 2;
    this.elementDue = true;
  }

  private startElement(at: number): void {
    this.elementDue = false;
    this.capturing = true;
    this.captureStart = at;
    this.capturedBytes = 0;
    this.parts = [];
    this.overlong = false;
    this.index += 1;
    this.elementLine = this.line;
  }

  /** Keeps a piece of the record, or only counts it once the record is over the cap. */
  private hold(piece: Buffer): void {
    this.capturedBytes += piece.length;
    if (this.capturedBytes > this.maxRecordBytes) {
      this.overlong = true;
      this.parts = [];
    } else {
      this.parts.push(piece);
    }
  }

  private endElement(chunk: Buffer, at: number, out: JsonRecordPiece[], truncated: boolean): void {
    if (!this.capturing) {
      // `[,` or `,,`: a record with nothing in it. Give it a number so the problem has one.
      this.startElement(at);
    }
    this.capturing = false;
    this.hold(chunk.subarray(this.captureStart, at));
    if (this.overlong) {
      out.push({ index: this.index, line: this.elementLine, overlong: this.capturedBytes });
    } else {
      const bytes = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
      out.push({ index: this.index, line: this.elementLine, bytes, truncated });
    }
    this.parts = [];
  }

  private endRecords(chunk: Buffer, at: number, out: JsonRecordPiece[]): void {
    if (this.capturing) this.endElement(chunk, at, out, false);
    this.elementDue = false;
    this.recordsDepth = 0; // the records array closed; the rest of the object is skimmed
  }

  private noRecords(): LatheError {
    const keys = this.keys.length > 0 ? ` (its keys: ${this.keys.map((key) => `\`${key}\``).join(', ')})` : '';
    return this.invalid(`it is one JSON object with no array of records in it${keys}`);
  }

  private invalid(problem: string): LatheError {
    return new LatheError(
      'invalid_file',
      `This JSON file is not a dataset Lathe can read: ${problem}. Lathe reads a JSON array of records, an object holding one array of records, or JSON Lines (one record per line).`,
      this.path,
    );
  }
}
