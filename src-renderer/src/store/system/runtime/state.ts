import type { RuntimeHealth, RuntimeStatus, SetupProgress, TorchPlan } from '../../../../../src-main/contract';
import type { StoredError } from '../../errors';

export interface RuntimeState {
  status: RuntimeStatus | null;
  plan: TorchPlan | null;
  /** The build the person picked; null for the plan's automatic choice. */
  torchOverride: string | null;
  /** The set-up in progress, or the last one's final progress (its outcome). */
  progress: SetupProgress | null;
  health: RuntimeHealth | null;
  /** Which action is waiting for the main process, for the buttons' spinners. */
  busy: 'status' | 'setup' | 'cancel' | 'health' | 'reset' | 'choose' | null;
  error: StoredError | null;
}

export const initialRuntimeState: RuntimeState = { status: null, plan: null, torchOverride: null, progress: null, health: null, busy: null, error: null };
