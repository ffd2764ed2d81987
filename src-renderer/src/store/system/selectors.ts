/**
 * Named reads of the system store. Each returns a value already in state (never a new
 * object or array), so zustand re-renders a component only when that value changes.
 * Series derived from the samples are computed in components with `useMemo` instead.
 */
import type { SystemStore } from './index';

export const selectAppInfo = (s: SystemStore) => s.appInfo.data;

export const selectHardware = (s: SystemStore) => s.hardware.data;
export const selectHardwareLoading = (s: SystemStore) => s.hardware.loading;
export const selectHardwareError = (s: SystemStore) => s.hardware.error;

export const selectPython = (s: SystemStore) => s.python.data;
export const selectPythonLoading = (s: SystemStore) => s.python.loading;
export const selectPythonError = (s: SystemStore) => s.python.error;

export const selectUsageSamples = (s: SystemStore) => s.usage;
export const selectLatestUsage = (s: SystemStore) => s.usage.at(-1) ?? null;
export const selectWatching = (s: SystemStore) => s.watching;
export const selectUsageError = (s: SystemStore) => s.usageError;

export const selectLoadSystem = (s: SystemStore) => s.loadSystem;
export const selectRefreshPython = (s: SystemStore) => s.refreshPython;
export const selectStartUsageWatch = (s: SystemStore) => s.startUsageWatch;
export const selectStopUsageWatch = (s: SystemStore) => s.stopUsageWatch;
