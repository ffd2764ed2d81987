/**
 * The Runs page's export panel: one export of a finished run at a time per format, its
 * progress from `exports.events` (the merged GGUF takes a while), and what it wrote.
 */
import type { ExportEvent, ExportFormat } from '../../../../src-main/contract';
import type { PlaygroundClient } from '../../client/playground-client';
import { toStoredError } from '../errors';
import { createEventFollower } from '../intake/event-follower';
import type { ExportState } from './initialState';
import type { GetPlaygroundState, SetPlaygroundState } from './store-type';

export interface ExportActions {
  exportRun(runId: string, format: ExportFormat): Promise<boolean>;
  startExportEvents(): void;
  stopExportEvents(): void;
}

const IDLE: ExportState = { running: false, result: null, error: null, progress: null };

export function createExportActions(set: SetPlaygroundState, get: GetPlaygroundState, client: PlaygroundClient): ExportActions {
  function patch(runId: string, format: ExportFormat, change: (current: ExportState) => Partial<ExportState>): void {
    set((state) => {
      const ofRun = state.exports[runId] ?? {};
      const current = ofRun[format] ?? IDLE;
      return { exports: { ...state.exports, [runId]: { ...ofRun, [format]: { ...current, ...change(current) } } } };
    });
  }

  const follower = createEventFollower<ExportEvent>({
    set: (update) => set({ ...(update.watching !== undefined && { watchingExports: update.watching }), ...(update.eventsError !== undefined && { exportEventsError: update.eventsError }) }),
    get: () => ({ watching: get().watchingExports, eventsError: get().exportEventsError }),
    watch: (onExportEvent, onError) => client.watchExports(onExportEvent, onError),
    onEvent(event) {
      // Progress of an export this window did not start (the command line) is not shown.
      if (get().exports[event.runId]?.[event.format]?.running !== true) return;
      patch(event.runId, event.format, () => ({ progress: { phase: event.phase, fraction: event.fraction } }));
    },
  });

  return {
    async exportRun(runId, format) {
      patch(runId, format, () => ({ running: true, error: null, progress: null }));
      try {
        const result = await client.exportRun(runId, format);
        patch(runId, format, () => ({ running: false, result, progress: null }));
        return true;
      } catch (error) {
        patch(runId, format, () => ({ running: false, error: toStoredError(error), progress: null }));
        return false;
      }
    },
    startExportEvents: follower.start,
    stopExportEvents: follower.stop,
  };
}
