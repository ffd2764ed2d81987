/**
 * Finds the Python that Lathe trains with: tries each candidate in order by running the
 * runtime's `info` command in it, stops at the first that imports torch, and keeps the
 * report until asked to refresh (after the person installs something). A missing Python or
 * torch is a state the report explains, never an exception.
 */
import { existsSync } from 'node:fs';
import type { PythonReport } from '../contract';
import type { RunProcess } from '../process/run-process';
import { pythonReport } from './choose-python';
import { readChosenInterpreter } from './chosen-interpreter';
import { probePython, type PythonProbe } from './probe-python';
import { pythonCandidates, venvDir } from './python-candidates';

export interface PythonDiscoveryDeps {
  runProcess: RunProcess;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  dataDir: string;
  /** The python-runtime/ folder (inside the app's resources when packaged). */
  runtimeDir: string;
  exists?: (path: string) => boolean;
}

export class PythonDiscovery {
  private readonly deps: PythonDiscoveryDeps;
  private cached: PythonReport | null = null;
  private inFlight: Promise<PythonReport> | null = null;

  constructor(deps: PythonDiscoveryDeps) {
    this.deps = deps;
  }

  /**
   * The discovery report, probing on the first call and on `refresh`. Calls made while a
   * probe runs share it: each probe imports torch, which costs seconds and memory.
   */
  report({ refresh = false }: { refresh?: boolean } = {}): Promise<PythonReport> {
    if (this.inFlight) return this.inFlight;
    if (this.cached && !refresh) return Promise.resolve(this.cached);
    this.inFlight = this.discover()
      .then((report) => {
        this.cached = report;
        return report;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  private async discover(): Promise<PythonReport> {
    const { runProcess, env, platform, dataDir, runtimeDir, exists = existsSync } = this.deps;
    const probes: PythonProbe[] = [];
    // One at a time, stopping at the first with torch: later candidates would only be
    // shown, and each probe can spend seconds initialising CUDA.
    const chosen = readChosenInterpreter(dataDir);
    for (const candidate of pythonCandidates({ env, platform, dataDir, exists, chosen })) {
      const probe = await probePython(candidate, { runProcess, env, platform, runtimeDir });
      probes.push(probe);
      if (probe.info?.torch) break;
    }
    return pythonReport(probes, { platform, venvDir: venvDir(dataDir, platform) });
  }
}
