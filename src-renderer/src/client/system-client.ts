/**
 * What the system store needs from the main process, as an interface: the store's actions
 * take it as an argument, so unit tests hand them a fake and the real one lives in system.ts.
 */
import type { AppInfo, HardwareReport, PythonReport, Unsubscribe, UsageSample } from '../../../src-main/contract';

export interface SystemClient {
  appInfo(): Promise<AppInfo>;
  hardware(): Promise<HardwareReport>;
  /** `recheck`: probe the interpreters again instead of answering from the last check. */
  python(recheck: boolean): Promise<PythonReport>;
  watchUsage(intervalMs: number, onSample: (sample: UsageSample) => void, onError: (error: unknown) => void): Unsubscribe;
}
