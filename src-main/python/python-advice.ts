/**
 * What a person should install when Lathe has no Python with torch, concretely for their
 * platform. Most consumer NVIDIA GPUs sit in Windows machines, where PyPI's default torch
 * wheel is CPU-only, so the CUDA index is named there; Debian's packaged torch is CPU-only
 * too, and without the OpenMP OpenBLAS it trains ~30× slower (DESIGN §4).
 */
import type { PythonState } from '../contract';

const DEBIAN_TORCH = 'sudo apt-get install -y --no-install-recommends python3-torch python3-numpy libopenblas0-openmp';
const CUDA_INDEX = 'https://download.pytorch.org/whl/cu128';
const PICK_CUDA_BUILD = 'https://pytorch.org/get-started/locally/';

export interface AdviceContext {
  /** Lathe's own virtual environment, which discovery tries; named so the steps can be copied. */
  venvDir?: string;
  /** Why LATHE_PYTHON cannot be used, when it is set: the person chose it, so it comes first. */
  lathePythonProblem?: string | null;
}

/** The next step for a person whose Python is not ready; null when it is. */
export function pythonAdvice(state: PythonState, platform: NodeJS.Platform, context: AdviceContext = {}): string | null {
  if (state === 'ready') return null;
  const explicitChoice = context.lathePythonProblem
    ? `${context.lathePythonProblem}. Point LATHE_PYTHON at a Python that can import torch, or unset it. `
    : '';
  const found =
    state === 'no_python'
      ? 'No Python 3 was found.'
      : 'Python was found, but it cannot import torch (each candidate says why).';
  return `${explicitChoice}${found} ${installSteps(platform, context.venvDir ?? 'venv')} Then refresh.`;
}

function installSteps(platform: NodeJS.Platform, venv: string): string {
  if (platform === 'win32') {
    return (
      `Install Python 3.9 or newer from https://www.python.org/downloads/, then create Lathe's environment: ` +
      `py -3 -m venv "${venv}" and "${venv}\\Scripts\\python.exe" -m pip install torch --index-url ${CUDA_INDEX} ` +
      `(for an NVIDIA GPU; pick the build for your driver at ${PICK_CUDA_BUILD}, or leave out --index-url for CPU only).`
    );
  }
  if (platform === 'darwin') {
    return (
      `Install Python 3.9 or newer from https://www.python.org/downloads/, then create Lathe's environment: ` +
      `python3 -m venv "${venv}" and "${venv}/bin/python" -m pip install torch (Apple GPUs are used through MPS).`
    );
  }
  return (
    `On Debian/Ubuntu, for CPU training: ${DEBIAN_TORCH}. ` +
    `For an NVIDIA GPU, create Lathe's environment with torch for CUDA: python3 -m venv "${venv}" and ` +
    `"${venv}/bin/python" -m pip install torch (Debian/Ubuntu need python3-venv for the first step; ` +
    `other CUDA builds: ${PICK_CUDA_BUILD}).`
  );
}
