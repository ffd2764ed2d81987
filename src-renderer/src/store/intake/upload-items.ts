/**
 * Browser uploads as the Models and Datasets pages list them: pure updates of one item, and
 * the rate and time left derived from its fields (never stored, so they cannot go stale).
 */
import type { StoredError } from '../errors';

/** A file that an add did not take, and why in words. */
export interface SkippedFile {
  path: string;
  reason: string;
}

export type UploadStatus = 'queued' | 'sending' | 'finishing' | 'done' | 'failed' | 'cancelled';

export interface UploadItem {
  key: string;
  fileName: string;
  totalBytes: number;
  /** Bytes the server holds. */
  sentBytes: number;
  /** Bytes the server already held when this attempt began (a resumed upload): they do not count towards the rate. */
  startBytes: number;
  /** When this attempt's first progress arrived, and its latest (ms since the epoch). */
  startedAt: number | null;
  updatedAt: number | null;
  status: UploadStatus;
  error: StoredError | null;
}

export function newUploadItem(key: string, file: { name: string; size: number }): UploadItem {
  return { key, fileName: file.name, totalBytes: file.size, sentBytes: 0, startBytes: 0, startedAt: null, updatedAt: null, status: 'queued', error: null };
}

/** The item after a progress report; the first one of an attempt fixes where the rate counts from. */
export function withProgress(item: UploadItem, phase: 'sending' | 'finishing', sentBytes: number, now: number): UploadItem {
  const first = item.startedAt === null;
  return {
    ...item,
    status: phase,
    sentBytes,
    startBytes: first ? sentBytes : item.startBytes,
    startedAt: first ? now : item.startedAt,
    updatedAt: now,
  };
}

export function isUploadActive(item: UploadItem): boolean {
  return item.status === 'queued' || item.status === 'sending' || item.status === 'finishing';
}

/** Bytes per second over this attempt, or null before there is anything to measure. */
export function uploadRate(item: UploadItem): number | null {
  if (item.startedAt === null || item.updatedAt === null) return null;
  const seconds = (item.updatedAt - item.startedAt) / 1000;
  const bytes = item.sentBytes - item.startBytes;
  return seconds > 0 && bytes > 0 ? bytes / seconds : null;
}

/** Seconds left at the rate so far, or null when there is no rate yet. */
export function uploadSecondsLeft(item: UploadItem): number | null {
  const rate = uploadRate(item);
  return rate === null ? null : Math.max(0, item.totalBytes - item.sentBytes) / rate;
}

export function uploadPercent(item: UploadItem): number {
  return item.totalBytes > 0 ? Math.min(100, (item.sentBytes / item.totalBytes) * 100) : 0;
}
