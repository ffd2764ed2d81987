/** Named reads of the runtime-environment store; each returns a value already in state. */
import type { RuntimeStore } from './index';

export const selectRuntimeStatus = (s: RuntimeStore) => s.status;
export const selectRuntimePlan = (s: RuntimeStore) => s.plan;
export const selectTorchOverride = (s: RuntimeStore) => s.torchOverride;
export const selectSetupProgress = (s: RuntimeStore) => s.progress;
export const selectRuntimeHealth = (s: RuntimeStore) => s.health;
export const selectRuntimeBusy = (s: RuntimeStore) => s.busy;
export const selectRuntimeError = (s: RuntimeStore) => s.error;
/** Whether a set-up is running now (its last progress has no outcome yet). */
export const selectSetupRunning = (s: RuntimeStore) => s.progress !== null && s.progress.outcome === null;

export const selectLoadRuntime = (s: RuntimeStore) => s.loadRuntime;
export const selectChoosePlanBuild = (s: RuntimeStore) => s.choosePlanBuild;
export const selectStartSetup = (s: RuntimeStore) => s.startSetup;
export const selectCancelSetup = (s: RuntimeStore) => s.cancelSetup;
export const selectCheckHealth = (s: RuntimeStore) => s.checkHealth;
export const selectResetEnvironment = (s: RuntimeStore) => s.resetEnvironment;
export const selectChooseInterpreter = (s: RuntimeStore) => s.chooseInterpreter;
