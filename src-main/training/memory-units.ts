/**
 * Sizes as the memory estimate shows them. Binary units (GiB, MiB): GPU memory is sold and
 * reported in them (nvidia-smi's MiB, "24 GB" cards that hold 24 GiB), so a person can set
 * the estimate beside what their tools print.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** `3.1 GiB`, `850 MiB`, `12 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  const size = Math.abs(bytes);
  if (size >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (size >= MiB) return `${Math.round(bytes / MiB)} MiB`;
  if (size >= KiB) return `${Math.round(bytes / KiB)} KiB`;
  return `${Math.round(bytes)} bytes`;
}

/** `494M`, `8.8M`, `1.24B`, `94.2K`: parameter counts in the units model cards use. */
export function formatCount(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(2)}B`;
  if (count >= 1e8) return `${Math.round(count / 1e6)}M`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)}M`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(1)}K`;
  return `${count}`;
}
