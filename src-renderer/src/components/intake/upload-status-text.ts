/** The line of words under an upload's name: how far, how fast, how long, or how it ended. */
import { formatBytes } from '../../format/bytes';
import { formatEta, formatRate } from '../../format/transfer';
import { uploadPercent, uploadRate, uploadSecondsLeft, type UploadItem } from '../../store/intake/upload-items';

export function uploadStatusText(item: UploadItem): string {
  const size = formatBytes(item.totalBytes);
  switch (item.status) {
    case 'queued':
      return `${size} · waiting for the uploads before it`;
    case 'sending': {
      const parts = [`${formatBytes(item.sentBytes)} of ${size}`, `${Math.floor(uploadPercent(item))}%`];
      const rate = uploadRate(item);
      if (rate !== null) parts.push(formatRate(rate), `${formatEta(uploadSecondsLeft(item))} left`);
      return parts.join(' · ');
    }
    case 'finishing':
      return `${size} sent · Lathe is reading the file…`;
    case 'done':
      return `${size} · added`;
    case 'cancelled':
      return 'Cancelled';
    case 'failed':
      return `Stopped at ${formatBytes(item.sentBytes)} of ${size}`;
  }
}
