/** The line under an answer: time to first token, speed, length and why it ended. */
import type { ChatStats } from '../../../../../src-main/contract';

const STOP_WORDS: Record<ChatStats['stopReason'], string> = {
  eos: 'finished',
  max_tokens: 'cut at max tokens',
  stopped: 'stopped',
  error: 'failed',
};

export function formatAnswerStats(stats: ChatStats): string {
  const first = stats.timeToFirstTokenMs < 1000 ? `${Math.round(stats.timeToFirstTokenMs)} ms` : `${(stats.timeToFirstTokenMs / 1000).toFixed(1)} s`;
  const speed = stats.tokensPerSecond >= 100 ? stats.tokensPerSecond.toFixed(0) : stats.tokensPerSecond.toFixed(1);
  return `first token ${first} · ${speed} tokens/s · ${stats.tokens} tokens · ${STOP_WORDS[stats.stopReason]}`;
}

/** Where a pane's answer differs from another's, for marking: the length of their common start. */
export function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a[i] === b[i]) i += 1;
  return i;
}
