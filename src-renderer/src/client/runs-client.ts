/**
 * What the runs store needs from the main process, as an interface: the store's actions
 * take it as an argument, so unit tests hand them a fake and the real one lives in runs.ts.
 */
import type { DatasetEntry, RunDetail, RunEntry, RunEvent, RunPlan, RunRequest, RunSpeed, Unsubscribe } from '../../../src-main/contract';

export interface RunsClient {
  plan(request: RunRequest): Promise<RunPlan>;
  measureSpeed(request: RunRequest): Promise<RunSpeed>;
  start(request: RunRequest): Promise<RunEntry>;
  list(): Promise<RunEntry[]>;
  get(id: string): Promise<RunDetail>;
  pause(id: string): Promise<RunEntry>;
  resume(id: string): Promise<RunEntry>;
  stop(id: string): Promise<RunEntry>;
  remove(id: string): Promise<{ removed: boolean }>;
  reveal(id: string): Promise<{ path: string }>;
  /** Imports the question/answer set bundled with Lathe (the wizard's "Use the sample dataset"). */
  addSampleDataset(): Promise<DatasetEntry>;
  watch(onEvent: (event: RunEvent) => void, onError: (error: unknown) => void): Unsubscribe;
}
