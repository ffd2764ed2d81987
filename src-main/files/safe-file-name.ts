/**
 * A file name sent by a browser or a server (an upload, a Hub file), made safe to create in
 * the data folder: no folders, no `..`, no characters or device names Windows refuses, no
 * leading or trailing dots or spaces. Callers then fix the extension and length they need.
 */

/** Longest stem kept; with an extension the name stays well under every platform's 255. */
export const MAX_FILE_STEM_LENGTH = 180;

/** Names Windows reserves for devices, with or without an extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/** The last path part of `sent`, cleaned; `fallback` when nothing usable is left. */
export function cleanFileName(sent: string, fallback: string): string {
  const lastPart = sent.split(/[/\\]/).pop() ?? '';
  let name = [...lastPart]
    .map((c) => (c.charCodeAt(0) < 0x20 || c === '\u007f' || '<>:"|?*'.includes(c) ? '_' : c))
    .join('')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  return name === '' ? fallback : name;
}
