/**
 * The reader's errors: every problem with a file is a `LatheError` whose message a person can
 * act on and, for format problems, names the byte where the file went wrong. The path goes in
 * `detail` (the UI shows the message next to the file already).
 */
import { LatheError } from '../../contract/errors';

/** A file that breaks the GGUF format: damaged, cut short, or not a GGUF at all. */
export function invalidGguf(problem: string, path: string): LatheError {
  return new LatheError('invalid_file', `Not a valid GGUF file: ${problem}`, path);
}

/** A well-formed file Lathe does not read (GGUF v1, big-endian, a version from the future). */
export function unsupportedGguf(problem: string, path: string): LatheError {
  return new LatheError('unsupported', problem, path);
}

/** `812 bytes`, `4.2 kB`, `5.0 MB`, `4.29 GB`: decimal units, as file managers show sizes. */
export function formatByteSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/**
 * A key or tensor name as a message shows it: quoted, control characters escaped, cut at 80
 * characters. Names come from the file, and a damaged one can hold anything.
 */
export function quoteName(name: string): string {
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  let out = '';
  for (const ch of shown) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
  }
  return `'${out}'`;
}
