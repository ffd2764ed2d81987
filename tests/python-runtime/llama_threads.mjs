// Threads for a llama.cpp context in these test scripts, as the app's inference worker picks
// them (src-main/inference/context-threads.ts): one for a small model, whose tokens take
// microseconds and whose second thread only spins while other tests load the two cores;
// otherwise two at most (more than the cores runs hundreds of times slower).
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const SMALL_MODEL_BYTES = 64 * 1024 * 1024;

export function testThreads(modelPath) {
  return statSync(modelPath).size < SMALL_MODEL_BYTES ? 1 : Math.min(2, availableParallelism());
}
