/**
 * Background jobs keyed by model: one job per model at a time, and only a few at once,
 * because hashing several multi-GB files in parallel makes each slower (the disk is the
 * limit) and starves the rest of the app of I/O. Jobs that do not fit wait their turn.
 */
export type QueuedJob = (signal: AbortSignal) => Promise<void>;

interface Job {
  key: string;
  run: QueuedJob;
  controller: AbortController;
  /** Called instead of `run` when the job is cancelled before it starts. */
  onCancelledBeforeStart: () => void;
}

export class HashQueue {
  private readonly waiting: Job[] = [];
  private readonly running = new Map<string, { job: Job; done: Promise<void> }>();

  constructor(private readonly concurrency: number) {
    if (!(concurrency >= 1)) throw new Error('HashQueue needs a concurrency of at least 1');
  }

  /** False when a job with this key is already waiting or running. */
  add(key: string, run: QueuedJob, onCancelledBeforeStart: () => void): boolean {
    if (this.has(key)) return false;
    this.waiting.push({ key, run, controller: new AbortController(), onCancelledBeforeStart });
    this.pump();
    return true;
  }

  has(key: string): boolean {
    return this.running.has(key) || this.waiting.some((job) => job.key === key);
  }

  /** Aborts a running job (it settles on its own) or drops a waiting one. */
  cancel(key: string): boolean {
    const running = this.running.get(key);
    if (running) {
      running.job.controller.abort();
      return true;
    }
    const index = this.waiting.findIndex((job) => job.key === key);
    if (index < 0) return false;
    const [job] = this.waiting.splice(index, 1);
    job?.onCancelledBeforeStart();
    return true;
  }

  /** Resolves once the job with this key (if one is running) has stopped. */
  async settled(key: string): Promise<void> {
    await this.running.get(key)?.done;
  }

  /** Cancels everything and resolves once running jobs have stopped. */
  async cancelAll(): Promise<void> {
    for (const job of this.waiting.splice(0)) job.onCancelledBeforeStart();
    const stopping = [...this.running.values()];
    for (const { job } of stopping) job.controller.abort();
    await Promise.all(stopping.map((r) => r.done));
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const job = this.waiting.shift();
      if (!job) return;
      // Jobs report their own failures; a rejection here must not stop the queue.
      const done = Promise.resolve()
        .then(() => job.run(job.controller.signal))
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(job.key);
          this.pump();
        });
      this.running.set(job.key, { job, done });
    }
  }
}
