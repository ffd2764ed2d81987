/**
 * How many threads CPU-side compute should use (llama.cpp contexts, torch.set_num_threads).
 */
import type { HardwareReport } from '../contract/system-types';

/**
 * One thread per physical core, at least one. Both llama.cpp and torch spin-wait in their
 * thread pools, so a thread more than there are cores to run it stalls every step behind
 * the one that was descheduled: on a 2-core machine node-llama-cpp's default gave 2 tok/s
 * instead of 1,500 tok/s (DESIGN §2). Hyper-threads share a core's vector units, so they add
 * contention, not matrix throughput. The logical count bounds it too, for a process confined
 * to fewer CPUs than the board has.
 */
export function chooseThreads(hardware: Pick<HardwareReport, 'cpu'>): number {
  const cores = Math.floor(Math.min(hardware.cpu.physicalCores, hardware.cpu.logicalCores));
  return Number.isFinite(cores) && cores >= 1 ? cores : 1;
}
