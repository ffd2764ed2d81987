/**
 * What the Python card can do with the training environment. Actions talk to a
 * `RuntimeClient` and record every outcome in state; they never throw (the card shows
 * failures from state). Progress arrives on one subscription opened by `watch`.
 */
import type { PythonReport } from '../../../../../src-main/contract';
import { toStoredError } from '../../errors';
import type { InterpreterChoice, RuntimeClient } from './runtime-client';
import type { RuntimeState } from './state';

export interface RuntimeActions {
  /** Status and plan; opens the progress subscription once. */
  loadRuntime(): Promise<void>;
  choosePlanBuild(torch: string | null): Promise<void>;
  startSetup(options: { fromWheelFolder?: boolean }): Promise<void>;
  cancelSetup(): Promise<void>;
  checkHealth(): Promise<void>;
  resetEnvironment(): Promise<void>;
  /** Resolves to the new Python report (the card refreshes the system store with it), or null on failure. */
  chooseInterpreter(choice: InterpreterChoice): Promise<PythonReport | null>;
  stopWatching(): void;
}

type SetState = (update: Partial<RuntimeState> | ((state: RuntimeState) => Partial<RuntimeState>)) => void;
type GetState = () => RuntimeState;

export function createRuntimeActions(set: SetState, get: GetState, client: RuntimeClient): RuntimeActions {
  let unsubscribe: (() => void) | null = null;

  async function attempt<T>(busy: NonNullable<RuntimeState['busy']>, work: () => Promise<T>): Promise<T | null> {
    set({ busy, error: null });
    try {
      return await work();
    } catch (error) {
      set({ error: toStoredError(error) });
      return null;
    } finally {
      if (get().busy === busy) set({ busy: null });
    }
  }

  const refreshStatus = async (): Promise<void> => {
    const status = await client.status();
    set((state) => ({ status, progress: status.setup ?? state.progress, health: status.lastHealth ?? state.health }));
  };

  return {
    async loadRuntime() {
      if (unsubscribe === null) {
        unsubscribe = client.watchProgress(
          (progress) => {
            set({ progress });
            // The environment changed (or stayed): read what it is now.
            if (progress.outcome !== null) {
              if (progress.outcome.health) set({ health: progress.outcome.health });
              void refreshStatus().catch(() => undefined);
            }
          },
          (error) => {
            unsubscribe = null;
            set({ error: toStoredError(error) });
          },
        );
      }
      await attempt('status', async () => {
        await refreshStatus();
        set({ plan: await client.plan(get().torchOverride ?? undefined) });
      });
    },

    async choosePlanBuild(torch) {
      set({ torchOverride: torch });
      await attempt('status', async () => set({ plan: await client.plan(torch ?? undefined) }));
    },

    async startSetup({ fromWheelFolder }) {
      const torch = get().torchOverride ?? undefined;
      const first = await attempt('setup', () => client.setup({ torch, fromWheelFolder }));
      if (first) set({ progress: first });
    },

    async cancelSetup() {
      await attempt('cancel', () => client.cancelSetup());
    },

    async checkHealth() {
      const health = await attempt('health', () => client.health());
      if (health) set({ health });
    },

    async resetEnvironment() {
      const done = await attempt('reset', async () => {
        await client.reset();
        await refreshStatus();
        return true;
      });
      if (done) set({ health: null, progress: null });
    },

    async chooseInterpreter(choice) {
      const report = await attempt('choose', () => client.chooseInterpreter(choice));
      if (report) await refreshStatus().catch(() => undefined);
      return report;
    },

    stopWatching() {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
