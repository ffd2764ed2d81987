/**
 * Speed and time left of a download, from the bytes seen over the last few seconds: a
 * whole-download average would hide a connection that just slowed down, a per-chunk rate
 * jumps about too much to read.
 */
const WINDOW_MS = 5000;

export class DownloadRate {
  private samples: { at: number; bytes: number }[] = [];

  constructor(private readonly clock: () => number) {}

  /** Forgets the past (a new attempt starts from its own first byte). */
  reset(): void {
    this.samples = [];
  }

  add(bytes: number): void {
    const at = this.clock();
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - (this.samples[0]?.at ?? at) > WINDOW_MS) this.samples.shift();
  }

  /** Bytes per second over the window; null until two samples a moment apart exist. */
  bytesPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 200) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }

  etaSeconds(remainingBytes: number): number | null {
    const rate = this.bytesPerSecond();
    return rate === null || rate <= 0 ? null : remainingBytes / rate;
  }
}
