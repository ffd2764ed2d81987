/**
 * Picks the interpreter to train with from the probed candidates and builds the report the
 * System page shows. Pure: probes and platform in, report out.
 */
import type { PythonCandidate, PythonReport, PythonState } from '../contract';
import type { PythonProbe } from './probe-python';
import { pythonAdvice } from './python-advice';
import type { RuntimeInfo, TorchInfo } from './runtime-info';

export type PythonChoice =
  | { state: 'ready'; probe: PythonProbe; info: RuntimeInfo; torch: TorchInfo }
  | { state: Exclude<PythonState, 'ready'> };

/**
 * The first candidate (in discovery order) that imports torch wins. Otherwise `no_torch`
 * when some candidate is a working Python, and `no_python` when none ran the runtime at all.
 */
export function choosePython(probes: readonly PythonProbe[]): PythonChoice {
  for (const probe of probes) {
    if (probe.info?.torch) return { state: 'ready', probe, info: probe.info, torch: probe.info.torch };
  }
  return { state: probes.some((probe) => probe.info !== null) ? 'no_torch' : 'no_python' };
}

export interface ReportContext {
  platform: NodeJS.Platform;
  /** Lathe's own venv folder, named in the advice. */
  venvDir: string;
}

/** The chosen interpreter's capabilities, every probed candidate, and advice when none is ready. */
export function pythonReport(probes: readonly PythonProbe[], { platform, venvDir }: ReportContext): PythonReport {
  const choice = choosePython(probes);
  const lathePythonProblem = probes.find((probe) => probe.candidate.source === 'LATHE_PYTHON')?.problem ?? null;
  const candidates = probes.map(toCandidate);
  const advice = pythonAdvice(choice.state, platform, { venvDir, lathePythonProblem });
  if (choice.state !== 'ready') {
    return {
      state: choice.state,
      python: null,
      pythonVersion: null,
      torchVersion: null,
      cuda: { available: false, version: null, devices: [] },
      mps: false,
      torchThreads: null,
      candidates,
      advice,
    };
  }
  const { probe, info, torch } = choice;
  return {
    state: 'ready',
    // The absolute interpreter, not `python3`: training must start the very one that was probed
    // even if PATH changes. sys.executable is empty only in embedded interpreters.
    python: info.python.executable || probe.candidate.path,
    pythonVersion: info.python.version,
    torchVersion: torch.version,
    cuda: { available: torch.cuda_available, version: torch.cuda_version, devices: torch.cuda_devices },
    mps: torch.mps_available,
    torchThreads: torch.num_threads,
    candidates,
    advice,
  };
}

function toCandidate({ candidate, info, problem }: PythonProbe): PythonCandidate {
  return {
    path: candidate.path,
    source: candidate.source,
    pythonVersion: info?.python.version ?? null,
    torchVersion: info?.torch?.version ?? null,
    problem,
  };
}
