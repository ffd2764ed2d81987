/**
 * A run's progress on a terminal: one line rewritten in place on a TTY
 * (`[#######.......]  40/120  loss 3.412  4,100 tok/s  ETA 0:42`), or, when the output is a
 * file or a pipe, a plain line now and then so a log stays readable.
 */
export interface ProgressState {
  step: number;
  total: number | null;
  loss: number | null;
  tokensPerSecond: number | null;
  etaSeconds: number | null;
  /** What the run is doing when it is not stepping (preparing, starting, stopping…). */
  status?: string;
}

/** `1:05:09`, `4:02`, `0:07`. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The bar and its numbers in at most `width` columns (the bar shrinks first). */
export function renderProgress(state: ProgressState, width: number): string {
  const parts = [
    state.total ? `${state.step}/${state.total}` : `step ${state.step}`,
    state.loss === null ? null : `loss ${state.loss.toFixed(3)}`,
    state.tokensPerSecond === null ? null : `${Math.round(state.tokensPerSecond).toLocaleString('en-US')} tok/s`,
    state.etaSeconds === null ? null : `ETA ${formatDuration(state.etaSeconds)}`,
    state.status ?? null,
  ].filter((part): part is string => part !== null);
  const numbers = parts.join('  ');
  const room = width - numbers.length - 4;
  if (!state.total || room < 10) return numbers.slice(0, Math.max(0, width));
  const barWidth = Math.min(40, room);
  const filled = Math.round((Math.min(state.step, state.total) / state.total) * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]  ${numbers}`;
}

export interface ProgressOutput {
  write(text: string): void;
  /** Columns of a terminal; undefined when the output is not one. */
  columns: number | undefined;
  isTTY: boolean;
}

/** Draws progress on `output`: in place on a TTY, else a line each `plainEverySeconds`. */
export class ProgressBar {
  private drawn = false;
  private lastPlainAt = -Infinity;
  private lastPlain = '';

  constructor(
    private readonly output: ProgressOutput,
    private readonly clock: () => number = () => performance.now() / 1000,
    private readonly plainEverySeconds = 10,
  ) {}

  update(state: ProgressState): void {
    if (this.output.isTTY) {
      const line = renderProgress(state, (this.output.columns ?? 80) - 1);
      // \x1b[K clears what a longer earlier line left behind.
      this.output.write(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    const line = renderProgress(state, 200);
    const now = this.clock();
    const finished = state.total !== null && state.step >= state.total;
    if (line === this.lastPlain || (now - this.lastPlainAt < this.plainEverySeconds && !finished)) return;
    this.output.write(`${line}\n`);
    this.lastPlain = line;
    this.lastPlainAt = now;
  }

  /** Ends the line in place so what follows starts on its own line. */
  done(): void {
    if (this.drawn) this.output.write('\n');
    this.drawn = false;
  }
}
