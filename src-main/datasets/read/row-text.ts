/**
 * Turning one row's bytes into text. Decoding is strict per row: a row with bytes that are
 * not UTF-8 becomes a row problem, and the rows around it are unaffected (a file-wide
 * decoder would either replace the bytes silently or fail the whole file).
 */
import { isUtf8 } from 'node:buffer';
import { RAW_TEXT_LIMIT } from './read-types';

export const NOT_UTF8 =
  'The row holds bytes that are not valid UTF-8 text (was the file saved in another encoding, such as Latin-1 or UTF-16?).';

/** The row as text, or null when it is not valid UTF-8. Same verdict as a `TextDecoder` with `fatal: true`, faster. */
export function decodeRow(bytes: Uint8Array): string | null {
  if (!isUtf8(bytes)) return null;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** What a problem keeps of a bad row for the preview: decoded leniently, cut short. */
export function rawTextOf(bytes: Uint8Array): string {
  const head = bytes.subarray(0, RAW_TEXT_LIMIT * 4);
  return clip(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8'));
}

/** A string cut to `RAW_TEXT_LIMIT` characters, marked when it was cut. */
export function clip(text: string): string {
  return text.length > RAW_TEXT_LIMIT ? `${text.slice(0, RAW_TEXT_LIMIT)}…` : text;
}

/** `12.3 MB`-style sizes in messages (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function overlongRow(bytes: number, limit: number): string {
  return `The row is ${formatBytes(bytes)} long, over the ${formatBytes(limit)} limit for one row; it was skipped.`;
}
