import type { AppInfo, HardwareReport, PythonReport, UsageSample } from '../../../../src-main/contract';
import type { StoredError } from '../errors';
import { notLoaded, type Loadable } from '../loadable';

export type { Loadable } from '../loadable';

export interface SystemState {
  appInfo: Loadable<AppInfo>;
  hardware: Loadable<HardwareReport>;
  python: Loadable<PythonReport>;
  /** The latest usage samples, oldest first; at most USAGE_HISTORY_LENGTH. */
  usage: UsageSample[];
  watching: boolean;
  usageError: StoredError | null;
}

/** Two minutes at the System page's one-sample-per-second rate. */
export const USAGE_HISTORY_LENGTH = 120;

export const initialSystemState: SystemState = {
  appInfo: notLoaded,
  hardware: notLoaded,
  python: notLoaded,
  usage: [],
  watching: false,
  usageError: null,
};
