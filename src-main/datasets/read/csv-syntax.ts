/**
 * CSV as RFC 4180 has it: fields split by a separator, a field in double quotes may hold
 * separators, newlines and doubled quotes (`""` for one `"`). Where files break the rules,
 * this follows what spreadsheet tools do: a quote in the middle of an unquoted field is a
 * plain character, and text after a closing quote is kept as part of the field.
 *
 * Two readers share the same four states: `CsvRecordSplitter` finds where records end in raw
 * bytes (a record may span lines), and `parseCsvRecords` splits decoded text into fields.
 * Separators, quotes and newlines are ASCII, and no byte of a multi-byte UTF-8 character is
 * ASCII, so finding them in bytes before decoding is safe.
 */

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // just read a `"` inside a quoted field: a closing or a doubled quote

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export type CsvRecordPiece =
  | { bytes: Buffer; line: number; unclosedQuote: boolean }
  | { line: number; overlong: number };

/** Cuts byte chunks into records, each with the line it starts on; a record over the cap is counted, not held. */
export class CsvRecordSplitter {
  private state = FIELD_START;
  private line = 1;
  private recordLine = 1;
  private parts: Buffer[] = [];
  private held = 0;
  private overlong = false;

  constructor(
    private readonly separator: number,
    private readonly maxRecordBytes: number,
  ) {}

  push(chunk: Buffer): CsvRecordPiece[] {
    const out: CsvRecordPiece[] = [];
    const sep = this.separator;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === LF) this.line += 1;
      switch (this.state) {
        case FIELD_START:
          if (byte === QUOTE) this.state = QUOTED;
          else if (byte === LF) start = this.endRecord(chunk, start, i, out);
          else if (byte !== sep) this.state = UNQUOTED;
          break;
        case UNQUOTED:
          if (byte === sep) this.state = FIELD_START;
          else if (byte === LF) start = this.endRecord(chunk, start, i, out);
          break;
        case QUOTED:
          if (byte === QUOTE) this.state = QUOTE_IN_QUOTED;
          break;
        default: // QUOTE_IN_QUOTED
          if (byte === QUOTE) this.state = QUOTED;
          else if (byte === sep) this.state = FIELD_START;
          else if (byte === LF) start = this.endRecord(chunk, start, i, out);
          else this.state = UNQUOTED;
      }
    }
    this.hold(chunk.subarray(start));
    return out;
  }

  /** The last record, when the file does not end with a newline (or ends inside quotes). */
  end(): CsvRecordPiece[] {
    if (this.held === 0 && !this.overlong) return [];
    const out: CsvRecordPiece[] = [];
    const unclosed = this.state === QUOTED;
    this.state = FIELD_START;
    this.flush(out, unclosed);
    return out;
  }

  private endRecord(chunk: Buffer, start: number, newline: number, out: CsvRecordPiece[]): number {
    this.hold(chunk.subarray(start, newline));
    this.state = FIELD_START;
    this.flush(out, false);
    this.recordLine = this.line; // `line` already counts the newline that ended the record
    return newline + 1;
  }

  private hold(piece: Buffer): void {
    if (piece.length === 0) return;
    this.held += piece.length;
    if (this.overlong || this.held > this.maxRecordBytes) {
      this.overlong = true;
      this.parts = [];
    } else {
      this.parts.push(piece);
    }
  }

  private flush(out: CsvRecordPiece[], unclosedQuote: boolean): void {
    if (this.overlong) {
      out.push({ line: this.recordLine, overlong: this.held });
    } else {
      let bytes = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
      if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
      out.push({ bytes, line: this.recordLine, unclosedQuote });
    }
    this.parts = [];
    this.held = 0;
    this.overlong = false;
  }
}

/**
 * Decoded CSV text as records of fields. A newline outside quotes ends a record (a CR before
 * it is dropped); `maxRecords` stops early, for sampling. A quote left open at the end keeps
 * the rest of the text in its field.
 */
export function parseCsvRecords(text: string, separator: string, maxRecords = Infinity): string[][] {
  const sep = separator.charCodeAt(0);
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let from = 0;
  let state = FIELD_START;
  let recordFrom = 0;
  const endField = (to: number) => {
    fields.push(state === UNQUOTED ? field + text.slice(from, to) : field);
    field = '';
    state = FIELD_START;
  };
  const endRecord = (to: number) => {
    const end = to > from && text.charCodeAt(to - 1) === CR && state !== QUOTED ? to - 1 : to;
    endField(end);
    records.push(fields);
    fields = [];
    recordFrom = to + 1;
  };
  for (let i = 0; i < text.length && records.length < maxRecords; i++) {
    const code = text.charCodeAt(i);
    switch (state) {
      case FIELD_START:
        if (code === QUOTE) {
          state = QUOTED;
          from = i + 1;
        } else if (code === sep) fields.push('');
        else if (code === LF) endRecord(i);
        else {
          state = UNQUOTED;
          from = i;
        }
        break;
      case UNQUOTED:
        if (code === sep) endField(i);
        else if (code === LF) endRecord(i);
        break;
      case QUOTED:
        if (code === QUOTE) {
          field += text.slice(from, i);
          state = QUOTE_IN_QUOTED;
        }
        break;
      default: // QUOTE_IN_QUOTED
        if (code === QUOTE) {
          field += '"';
          from = i + 1;
          state = QUOTED;
        } else if (code === sep) endField(i);
        else if (code === LF) endRecord(i);
        else {
          state = UNQUOTED; // text after a closing quote stays in the field
          from = i;
        }
    }
  }
  if (records.length < maxRecords && recordFrom < text.length) {
    if (state === QUOTED) field += text.slice(from);
    endRecord(text.length);
  }
  return records;
}
