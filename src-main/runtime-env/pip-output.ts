/**
 * Reads what pip prints while it installs, for the progress the System page and the command
 * line show, and names why it failed. Pure: lines in, state out. pip's wording is stable
 * across 22–25 for these lines; anything unrecognised only lands in the log tail.
 */
import type { SetupFailureKind } from '../contract';

export interface PipProgress {
  detail: string | null;
  download: { file: string; doneBytes: number | null; totalBytes: number | null } | null;
}

const UNITS: Record<string, number> = { B: 1, bytes: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** The progress after one more line of pip's output. */
export function readPipLine(progress: PipProgress, line: string): PipProgress {
  const text = line.trim();
  let match = /^Collecting (\S+)/.exec(text);
  if (match) return { detail: `Finding ${match[1]}`, download: null };
  // `Downloading <url or file> (670.2 MB)`; the size is missing for small or unsized files.
  match = /^Downloading (\S+)(?: \(([\d.]+) (\w+)\))?/.exec(text);
  if (match) {
    const file = baseName(match[1] as string);
    const total = match[2] && match[3] && UNITS[match[3]] ? Math.round(Number(match[2]) * (UNITS[match[3]] as number)) : null;
    return { detail: `Downloading ${file}`, download: { file, doneBytes: total === null ? null : 0, totalBytes: total } };
  }
  // pip 24.1+ with `--progress-bar raw`: `Progress 1048576 of 734003200`.
  match = /^Progress (\d+) of (\d+)$/.exec(text);
  if (match && progress.download) {
    return { ...progress, download: { ...progress.download, doneBytes: Number(match[1]), totalBytes: Number(match[2]) } };
  }
  match = /^(?:Processing|Using cached) (\S+)/.exec(text);
  if (match) return { detail: `Using ${baseName(match[1] as string)}`, download: null };
  match = /^Installing collected packages: (.+)$/.exec(text);
  if (match) return { detail: `Installing ${match[1]}`, download: completed(progress.download) };
  match = /^Successfully installed (.+)$/.exec(text);
  if (match) return { detail: `Installed ${match[1]}`, download: completed(progress.download) };
  return progress;
}

/** Why pip failed, from its log: the network, a full disk, or the install itself. */
export function pipFailureKind(log: readonly string[]): Exclude<SetupFailureKind, 'cancelled'> {
  const text = log.join('\n');
  if (/No space left on device|File too large|Errno 28|Errno 27|ENOSPC|EFBIG|Disk quota exceeded/i.test(text)) return 'disk_full';
  if (/NewConnectionError|Failed to establish a new connection|Max retries exceeded|Could not fetch URL|Temporary failure in name resolution|Connection refused|ConnectTimeoutError|ReadTimeoutError/i.test(text)) {
    return 'network';
  }
  return 'install_failed';
}

/** pip's own explanation: its `ERROR:` lines, else the last line it printed. */
export function pipErrorSummary(log: readonly string[]): string {
  const errors = log.filter((line) => /^ERROR:/.test(line.trim())).map((line) => line.trim().replace(/^ERROR:\s*/, ''));
  const summary = errors.length > 0 ? errors.slice(-2).join(' ') : (log.at(-1)?.trim() ?? '');
  return summary.length > 400 ? `${summary.slice(0, 400)}…` : summary;
}

function completed(download: PipProgress['download']): PipProgress['download'] {
  return download && download.totalBytes !== null ? { ...download, doneBytes: download.totalBytes } : download;
}

function baseName(urlOrPath: string): string {
  const clean = urlOrPath.split('#')[0]?.split('?')[0] ?? urlOrPath;
  return decodeURIComponent(clean.split(/[\\/]/).filter(Boolean).at(-1) ?? clean);
}
