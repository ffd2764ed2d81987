/**
 * A JSON file holding an array of records, or an object with one array of records, read as
 * a stream (json-record-splitter.ts) so a huge file is never parsed whole. Records are
 * numbered from 1 in array order; problems also name the line where the record starts,
 * because that is what an editor can jump to.
 */
import { readFileChunks } from './dataset-file';
import { jsonErrorMessage } from './read-jsonl';
import { JsonRecordSplitter, type JsonRecordPiece } from './json-record-splitter';
import { MAX_ROW_BYTES, type ReadBatch, type ReadOptions, type ReadRow } from './read-types';
import { clip, decodeRow, NOT_UTF8, overlongRow, rawTextOf } from './row-text';
import { hasUtf8Bom } from './split-lines';

export async function* readJson(path: string, options: ReadOptions = {}): AsyncGenerator<ReadBatch> {
  const splitter = new JsonRecordSplitter(path, MAX_ROW_BYTES);
  const skip = options.skipRows ?? 0;
  let first = true;
  let keyTold = false;
  const tellKey = () => {
    if (keyTold) return;
    keyTold = true;
    options.onJsonRecordsKey?.(splitter.recordsKey);
  };
  for await (let chunk of readFileChunks(path, options)) {
    if (first && hasUtf8Bom(chunk)) chunk = chunk.subarray(3);
    first = false;
    const pieces = splitter.push(chunk);
    if (pieces.length > 0) tellKey();
    const batch = pieces.filter((piece) => piece.index > skip).map(toRow);
    if (batch.length > 0) yield batch;
  }
  const last = splitter.end().filter((piece) => piece.index > skip).map(toRow);
  tellKey();
  if (last.length > 0) yield last;
}

function toRow(piece: JsonRecordPiece): ReadRow {
  const at = `(the record starts at line ${piece.line})`;
  if ('overlong' in piece) return { line: piece.index, problem: `${overlongRow(piece.overlong, MAX_ROW_BYTES)} ${at}`, rawText: null };
  const text = decodeRow(piece.bytes);
  if (text === null) return { line: piece.index, problem: `${NOT_UTF8} ${at}`, rawText: rawTextOf(piece.bytes) };
  if (piece.truncated) {
    return { line: piece.index, problem: `The file ends inside this record: it looks cut short ${at}.`, rawText: clip(text) };
  }
  try {
    return { line: piece.index, value: JSON.parse(text) };
  } catch (error) {
    return { line: piece.index, problem: `Not valid JSON ${at}: ${jsonErrorMessage(error)}`, rawText: clip(text) };
  }
}
