/** The `runtime.*` part of the contract: the training runtime's Python environment (issue 8). */
import { LatheError, type Contract, type HandlersOf, type PythonReport } from '../contract';
import { RuntimeEnvironmentService, type RuntimeEnvDeps } from '../runtime-env/runtime-env-service';
import { requireDesktop, type DesktopShell } from './desktop-shell';

type RuntimeContract = { [K in keyof Contract as K extends `runtime.${string}` ? K : never]: Contract[K] };

/** The service, with an environment a crash left mid-switch put back before anything uses it. */
export async function startRuntimeEnvironment(deps: RuntimeEnvDeps): Promise<RuntimeEnvironmentService> {
  const service = new RuntimeEnvironmentService(deps);
  await service.start();
  return service;
}

export function runtimeHandlers(deps: {
  runtime: RuntimeEnvironmentService;
  python: { report(options?: { refresh?: boolean }): Promise<PythonReport> };
  desktop: DesktopShell | null;
}): HandlersOf<RuntimeContract> {
  const { runtime, python, desktop } = deps;
  return {
    'runtime.status': () => runtime.status(),
    'runtime.plan': ({ torch }) => runtime.plan({ torch }),
    'runtime.setup': async ({ torch, indexUrl, wheels }) => {
      // The renderer never names a folder to read (DESIGN §6): wheels come through the dialog.
      let wheelsDir: string | undefined;
      if (wheels === 'pick') {
        const picked = await requireDesktop(desktop, 'Choosing a wheel folder').pickFolder({ title: 'Folder with the torch wheel' });
        if (picked === null) throw new LatheError('cancelled', 'No folder was chosen.');
        wheelsDir = picked;
      }
      return (await runtime.startSetup({ torch, indexUrl, wheelsDir })).first;
    },
    'runtime.cancelSetup': () => ({ cancelled: runtime.cancelSetup() }),
    'runtime.health': () => runtime.health(),
    'runtime.reset': () => runtime.reset(),
    'runtime.chooseInterpreter': async ({ choice }) => {
      if (choice.kind === 'automatic') return runtime.chooseInterpreter(null);
      if (choice.kind === 'pick') {
        const [picked] = await requireDesktop(desktop, 'Choosing an interpreter file').pickFiles({ title: 'Python interpreter', extensions: ['*'] });
        if (picked === undefined) throw new LatheError('cancelled', 'No interpreter was chosen.');
        return runtime.chooseInterpreter(picked);
      }
      // Only interpreters discovery already listed can be named from the page (DESIGN §6).
      const report = await python.report();
      if (!report.candidates.some((candidate) => candidate.path === choice.path)) {
        throw new LatheError('invalid_input', `${choice.path} is not one of the interpreters found; choose one from the list, or pick a file in the desktop app.`);
      }
      return runtime.chooseInterpreter(choice.path);
    },
    'runtime.progress': (_input, emit) => runtime.subscribe(emit),
  };
}
