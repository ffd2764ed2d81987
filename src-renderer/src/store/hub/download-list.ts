/** The downloads list kept in step with `hub.downloadEvents`: newest first, one entry per id. */
import type { DownloadEntry, DownloadEvent } from '../../../../src-main/contract';

export function applyDownloadEvent(list: readonly DownloadEntry[], event: DownloadEvent): DownloadEntry[] {
  if (event.type === 'removed') return list.filter((d) => d.id !== event.id);
  return upsertDownload(list, event.download);
}

export function upsertDownload(list: readonly DownloadEntry[], entry: DownloadEntry): DownloadEntry[] {
  const at = list.findIndex((d) => d.id === entry.id);
  if (at === -1) return [entry, ...list];
  const next = [...list];
  next[at] = entry;
  return next;
}
