/** The last lines of a runtime's human log, kept in memory for errors and the live view. */
export const LOG_TAIL_LINES = 50;

export class LogTail {
  private readonly lines: string[] = [];

  constructor(private readonly limit = LOG_TAIL_LINES) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  snapshot(): string[] {
    return [...this.lines];
  }
}

/** The last `limit` lines of a log file's text (for runs whose process is gone). */
export function tailOf(text: string, limit = LOG_TAIL_LINES): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-limit);
}
