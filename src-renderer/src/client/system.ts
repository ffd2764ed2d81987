/** The system domain's calls over whichever transport this window has. */
import { getLathe } from '../transport';
import type { SystemClient } from './system-client';

export const systemClient: SystemClient = {
  appInfo: () => getLathe().app.info({}),
  hardware: () => getLathe().system.hardware({}),
  python: (recheck) => getLathe().system.python(recheck ? { refresh: true } : {}),
  watchUsage: (intervalMs, onSample, onError) => getLathe().system.watchUsage({ intervalMs }, onSample, onError),
};
