/** The `runs.*` part of the contract, answered by the training service. */
import type { Contract, HandlersOf } from '../contract';
import type { RunService } from '../training/runs/run-service';
import type { DesktopShell } from './desktop-shell';

type RunContract = { [K in keyof Contract as K extends `runs.${string}` ? K : never]: Contract[K] };

export function runHandlers(deps: { runs: RunService; desktop: DesktopShell | null }): HandlersOf<RunContract> {
  const { runs, desktop } = deps;
  return {
    'runs.plan': (request) => runs.plan(request),
    'runs.measureSpeed': (request) => runs.measureSpeed(request),
    'runs.start': (request) => runs.startRun(request),
    'runs.list': () => runs.list(),
    'runs.get': ({ id }) => runs.get(id),
    'runs.pause': ({ id }) => runs.pause(id),
    'runs.resume': ({ id }) => runs.resume(id),
    'runs.stop': ({ id }) => runs.stop(id),
    'runs.remove': ({ id }) => runs.remove(id),
    // In the browser there is no file manager to open: the page shows the folder's path instead.
    'runs.reveal': ({ id }) => {
      const { dir } = runs.get(id).run;
      desktop?.revealFile(dir);
      return { path: dir };
    },
    'runs.events': (_input, emit) => runs.subscribe(emit),
  };
}
