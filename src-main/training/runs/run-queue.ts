/**
 * Which run trains next: one run at a time per device (two trainers on one GPU would fight for
 * its memory and both run slower), first come first served. The queue only orders ids; the
 * service starts what `next` hands it and calls `finished` when that run's process is gone.
 */
import type { PythonReport } from '../../contract';

export class RunQueue {
  private readonly waiting = new Map<string, string[]>();
  private readonly active = new Map<string, string>();

  enqueue(device: string, runId: string): void {
    const list = this.waiting.get(device) ?? [];
    if (!list.includes(runId)) list.push(runId);
    this.waiting.set(device, list);
  }

  /** Takes a waiting run off the queue; false when it was not waiting. */
  remove(runId: string): boolean {
    for (const list of this.waiting.values()) {
      const at = list.indexOf(runId);
      if (at >= 0) {
        list.splice(at, 1);
        return true;
      }
    }
    return false;
  }

  /** 1 for the run that starts next on its device; null when it is not waiting. */
  position(runId: string): number | null {
    for (const list of this.waiting.values()) {
      const at = list.indexOf(runId);
      if (at >= 0) return at + 1;
    }
    return null;
  }

  /** The run to start now on `device` (marked active), or null while one is active or none waits. */
  next(device: string): string | null {
    if (this.active.has(device)) return null;
    const runId = this.waiting.get(device)?.shift();
    if (runId === undefined) return null;
    this.active.set(device, runId);
    return runId;
  }

  finished(device: string, runId: string): void {
    if (this.active.get(device) === runId) this.active.delete(device);
  }

  activeOn(device: string): string | null {
    return this.active.get(device) ?? null;
  }

  /** Every waiting run, per device. */
  waitingIds(): string[] {
    return [...this.waiting.values()].flat();
  }
}

/**
 * The device a run occupies, as the runtime resolves `device: auto` (the first CUDA GPU, else
 * MPS, else the CPU). `cuda` alone is GPU 0.
 */
export function queueDeviceFor(device: string, python: Pick<PythonReport, 'cuda' | 'mps'>): string {
  if (device === 'auto') return python.cuda.available ? 'cuda:0' : python.mps ? 'mps' : 'cpu';
  if (device === 'cuda') return 'cuda:0';
  return device;
}
