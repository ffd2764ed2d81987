/**
 * Compute threads for one llama.cpp context. The configured count (physical cores,
 * `chooseThreads`) is right for real models; a very small model (the demo models, test
 * models) gets one thread. Its tokens take microseconds of arithmetic, so a second thread buys
 * nothing, while llama.cpp's threads wait for each other at every operation by spinning: on a
 * two-core machine with other work running, a 3.5 MB model made 1.5 tokens/s with two threads
 * and 725 tokens/s with one (measured side by side, node-llama-cpp 3.22, load average 12).
 */
const SMALL_MODEL_BYTES = 64 * 1024 * 1024;

export function contextThreads(configured: number, modelBytes: number): number {
  return modelBytes < SMALL_MODEL_BYTES ? 1 : Math.max(1, configured);
}
