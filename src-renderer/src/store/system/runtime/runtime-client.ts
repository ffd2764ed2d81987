/**
 * What the runtime-environment store needs from the main process, as an interface (tests hand
 * the actions a fake), and the real one over whichever transport this window has.
 */
import type { PythonReport, RuntimeHealth, RuntimeStatus, SetupProgress, TorchPlan, Unsubscribe } from '../../../../../src-main/contract';
import { getLathe } from '../../../transport';

export type InterpreterChoice = { kind: 'candidate'; path: string } | { kind: 'pick' } | { kind: 'automatic' };
export interface SetupOptions {
  torch?: string;
  /** Ask for a folder of wheels with the desktop's dialog and install from it offline. */
  fromWheelFolder?: boolean;
}

export interface RuntimeClient {
  status(): Promise<RuntimeStatus>;
  plan(torch: string | undefined): Promise<TorchPlan>;
  setup(options: SetupOptions): Promise<SetupProgress>;
  cancelSetup(): Promise<{ cancelled: boolean }>;
  health(): Promise<RuntimeHealth>;
  reset(): Promise<{ removed: boolean }>;
  chooseInterpreter(choice: InterpreterChoice): Promise<PythonReport>;
  watchProgress(onProgress: (progress: SetupProgress) => void, onError: (error: unknown) => void): Unsubscribe;
}

export const runtimeClient: RuntimeClient = {
  status: () => getLathe().runtime.status({}),
  plan: (torch) => getLathe().runtime.plan(torch === undefined ? {} : { torch }),
  setup: ({ torch, fromWheelFolder }) => getLathe().runtime.setup({ ...(torch ? { torch } : {}), ...(fromWheelFolder ? { wheels: 'pick' as const } : {}) }),
  cancelSetup: () => getLathe().runtime.cancelSetup({}),
  health: () => getLathe().runtime.health({}),
  reset: () => getLathe().runtime.reset({}),
  chooseInterpreter: (choice) => getLathe().runtime.chooseInterpreter({ choice }),
  watchProgress: (onProgress, onError) => getLathe().runtime.progress({}, onProgress, onError),
};
