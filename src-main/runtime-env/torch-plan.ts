/**
 * Which torch build to install on this machine, and why. Pure: the hardware report, the base
 * Python's version and the person's override come in; a plan with its problems comes out
 * (STYLE: decisions are pure). Set-up refuses a plan that lists problems.
 *
 * PyTorch publishes one pip index per build (https://download.pytorch.org/whl/<build>); a
 * CUDA build runs only on a driver that supports at least its CUDA version, and nvidia-smi
 * reports the highest CUDA version the installed driver supports (HardwareReport's
 * `cudaVersion`), so the newest build at or below it is the one that works.
 */
import type { GpuInfo, HardwareReport, PlanProblem, TorchDevice, TorchPlan } from '../contract';
import { TORCH_BUILD_PATTERN } from '../contract';

export const PYTORCH_INDEX = 'https://download.pytorch.org/whl';

/** CUDA builds, newest first, with the CUDA version each needs from the driver. */
const CUDA_BUILDS: readonly { build: string; cuda: [number, number] }[] = [
  { build: 'cu130', cuda: [13, 0] },
  { build: 'cu129', cuda: [12, 9] },
  { build: 'cu128', cuda: [12, 8] },
  { build: 'cu126', cuda: [12, 6] },
  { build: 'cu124', cuda: [12, 4] },
  { build: 'cu121', cuda: [12, 1] },
  { build: 'cu118', cuda: [11, 8] },
];
/** Chosen automatically: the builds current torch releases are published for (others give an older torch). */
const AUTOMATIC_CUDA = new Set(['cu130', 'cu128', 'cu126', 'cu124', 'cu121', 'cu118']);
export const DEFAULT_ROCM = 'rocm6.4';

/** Torch wheels exist for these Pythons (3.9 only up to torch 2.8; 3.14 from torch 2.9). */
export const OLDEST_PYTHON: [number, number] = [3, 9];
export const NEWEST_PYTHON: [number, number] = [3, 14];

const GiB = 1024 ** 3;
/** Installed size plus pip's download and unpacking room; CUDA and ROCm builds carry their libraries. */
const REQUIRED_BYTES: Record<TorchDevice, number> = { cuda: 7 * GiB, rocm: 10 * GiB, cpu: 1.5 * GiB, mps: 1.5 * GiB };

export type PackageSource =
  | { kind: 'pytorch' }
  /** An index the person named (a mirror, or a local one): it decides which wheels exist. */
  | { kind: 'index'; url: string }
  /** A folder of wheels, installed with no network; `bytes` is their total size. */
  | { kind: 'wheels'; dir: string; bytes: number; hasNumpy: boolean };

export interface PlanInputs {
  hardware: Pick<HardwareReport, 'os' | 'gpus' | 'disk'>;
  /** The base Python's version (`3.11.7`); null when it is not known yet. */
  python: { version: string } | null;
  /** The person's choice (`cpu`, `cu121`, `rocm6.4`…); automatic when absent. */
  torch?: string;
  source?: PackageSource;
}

export function planTorchInstall({ hardware, python, torch, source = { kind: 'pytorch' } }: PlanInputs): TorchPlan {
  const problems: PlanProblem[] = [];
  const notes: string[] = [];
  const choice = torch === undefined ? automaticBuild(hardware, notes) : chosenBuild(torch, hardware, problems, notes);

  if (python) checkPython(python.version, source, problems, notes);

  const requiredBytes = source.kind === 'wheels' ? Math.max(3 * source.bytes, 256 * 1024 ** 2) : REQUIRED_BYTES[choice.device];
  if (hardware.disk && hardware.disk.freeBytes < requiredBytes) {
    problems.push({
      kind: 'not_enough_disk',
      message:
        `Setting up torch (${choice.build}) needs about ${gib(requiredBytes)} free in ${hardware.disk.path}, but only ` +
        `${gib(hardware.disk.freeBytes)} is free. Free some space there, or move Lathe's data folder (LATHE_DATA_DIR).`,
    });
  }

  const packages = source.kind === 'wheels' && !source.hasNumpy ? ['torch'] : ['torch', 'numpy'];
  if (source.kind === 'wheels' && !source.hasNumpy) notes.push('The wheel folder has no numpy wheel; torch is installed without it (training does not need it).');
  return {
    build: choice.build,
    device: choice.device,
    packages,
    indexUrl: source.kind === 'index' ? source.url : source.kind === 'wheels' ? null : indexFor(choice.build),
    reason: torch === undefined ? choice.reason : `You chose the ${choice.build} build. ${choice.reason}`,
    overridden: torch !== undefined,
    requiredBytes,
    problems,
    notes,
  };
}

interface BuildChoice {
  build: string;
  device: TorchDevice;
  reason: string;
}

function automaticBuild(hardware: PlanInputs['hardware'], notes: string[]): BuildChoice {
  const { platform, arch } = hardware.os;
  const nvidia = hardware.gpus.filter((gpu) => gpu.vendor === 'nvidia');
  if (nvidia.length > 0 && platform !== 'darwin') {
    const cuda = driverCuda(nvidia);
    const name = nvidia[0]?.name ?? 'NVIDIA GPU';
    if (cuda === null) {
      notes.push(`Update the NVIDIA driver (the current one reports no CUDA version), then set up again to train on the ${name}.`);
      return { build: 'cpu', device: 'cpu', reason: `The NVIDIA driver does not report which CUDA version it supports, so the CPU build is installed.` };
    }
    const fitting = CUDA_BUILDS.find((entry) => AUTOMATIC_CUDA.has(entry.build) && atLeast(cuda, entry.cuda));
    if (!fitting) {
      notes.push(`Update the NVIDIA driver to one that supports CUDA 11.8 or newer (driver 520+), then set up again to train on the ${name}.`);
      return {
        build: 'cpu',
        device: 'cpu',
        reason: `The NVIDIA driver supports CUDA ${cuda.join('.')}, older than any CUDA build of torch (11.8+), so the CPU build is installed.`,
      };
    }
    if (fitting.build !== CUDA_BUILDS.find((entry) => AUTOMATIC_CUDA.has(entry.build))?.build) {
      notes.push('A newer NVIDIA driver would allow a newer CUDA build (and the newest torch).');
    }
    return {
      build: fitting.build,
      device: 'cuda',
      reason: `The ${name}'s driver supports CUDA ${cuda.join('.')}; ${fitting.build} is the newest torch CUDA build it can run.`,
    };
  }
  const amd = hardware.gpus.find((gpu) => gpu.vendor === 'amd');
  if (amd && platform === 'linux') {
    return { build: DEFAULT_ROCM, device: 'rocm', reason: `The ${amd.name} is an AMD GPU on Linux, where torch is built for ROCm.` };
  }
  if (platform === 'darwin' && arch === 'arm64') {
    return { build: 'mps', device: 'mps', reason: "This Mac has Apple silicon; PyPI's torch uses its GPU through MPS." };
  }
  if (amd) notes.push(`torch has no ROCm build for ${platformName(platform)}, so the ${amd.name} is not used for training.`);
  return { build: 'cpu', device: 'cpu', reason: 'No GPU that torch can use was found, so the CPU build is installed (it is also the smallest).' };
}

function chosenBuild(torch: string, hardware: PlanInputs['hardware'], problems: PlanProblem[], notes: string[]): BuildChoice {
  const { platform, arch } = hardware.os;
  if (!TORCH_BUILD_PATTERN.test(torch)) {
    problems.push({ kind: 'unknown_build', message: `"${torch}" is not a torch build Lathe knows. Choose cpu, ${CUDA_BUILDS.map((entry) => entry.build).join(', ')}, rocm6.x or mps.` });
    return { build: torch, device: 'cpu', reason: '' };
  }
  if (torch === 'cpu') return { build: 'cpu', device: 'cpu', reason: 'Training runs on the CPU.' };
  if (torch === 'mps') {
    if (platform !== 'darwin' || arch !== 'arm64') {
      problems.push({ kind: 'not_apple_silicon', message: `The mps build is for Macs with Apple silicon; this machine is ${platformName(platform)} on ${arch}. Choose cpu, or a CUDA/ROCm build for its GPU.` });
    }
    return { build: 'mps', device: 'mps', reason: 'Training uses the Apple GPU through MPS.' };
  }
  if (torch.startsWith('rocm')) {
    if (platform !== 'linux' || !hardware.gpus.some((gpu) => gpu.vendor === 'amd')) {
      problems.push({ kind: 'no_amd', message: `ROCm builds need an AMD GPU on Linux; this machine has ${gpuSummary(hardware.gpus)} on ${platformName(platform)}. Choose cpu instead.` });
    }
    return { build: torch, device: 'rocm', reason: 'Training uses the AMD GPU through ROCm.' };
  }
  const entry = CUDA_BUILDS.find((candidate) => candidate.build === torch);
  const needs: [number, number] = entry?.cuda ?? [Number(torch.slice(2, -1)), Number(torch.slice(-1))];
  const nvidia = hardware.gpus.filter((gpu) => gpu.vendor === 'nvidia');
  if (nvidia.length === 0 || platform === 'darwin') {
    problems.push({ kind: 'no_nvidia', message: `The ${torch} build needs an NVIDIA GPU, and this machine has ${gpuSummary(hardware.gpus)}. Choose cpu${platform === 'darwin' && arch === 'arm64' ? ' or mps' : ''} instead.` });
  } else {
    const cuda = driverCuda(nvidia);
    if (cuda === null) {
      notes.push(`The NVIDIA driver does not report its CUDA version; ${torch} needs CUDA ${needs.join('.')} or newer from it.`);
    } else if (!atLeast(cuda, needs)) {
      const fitting = CUDA_BUILDS.find((candidate) => atLeast(cuda, candidate.cuda));
      problems.push({
        kind: 'driver_too_old',
        message:
          `The ${torch} build needs an NVIDIA driver that supports CUDA ${needs.join('.')}, but this driver supports CUDA ${cuda.join('.')}. ` +
          `Update the NVIDIA driver, or choose ${fitting ? fitting.build : 'cpu'}.`,
      });
    }
  }
  return { build: torch, device: 'cuda', reason: `Training uses the NVIDIA GPU with CUDA ${needs.join('.')}.` };
}

function checkPython(version: string, source: PackageSource, problems: PlanProblem[], notes: string[]): void {
  const parsed = majorMinor(version);
  if (parsed === null) return;
  if (!atLeast(parsed, OLDEST_PYTHON)) {
    problems.push({
      kind: 'python_too_old',
      message: `Python ${version} is too old for torch (it needs Python ${OLDEST_PYTHON.join('.')} or newer). Install a newer Python and choose it, or set LATHE_PYTHON.`,
    });
  } else if (atLeast(parsed, [NEWEST_PYTHON[0], NEWEST_PYTHON[1] + 1])) {
    // Only PyTorch's own indexes are known not to have these wheels; a mirror or a folder decides for itself.
    const message = `Python ${version} is newer than any torch release supports (up to ${NEWEST_PYTHON.join('.')}). Install Python ${NEWEST_PYTHON.join('.')} or older and choose it.`;
    if (source.kind === 'pytorch') problems.push({ kind: 'python_too_new', message });
    else notes.push(message);
  } else if (parsed[0] === 3 && parsed[1] === 9) {
    notes.push('Python 3.9 gets torch 2.8 at most; Python 3.10 or newer gets the newest torch.');
  }
}

/** The pip index for a build; null for PyPI, whose default macOS wheel is the MPS one. */
export function indexFor(build: string): string | null {
  return build === 'mps' ? null : `${PYTORCH_INDEX}/${build}`;
}

/** The lowest CUDA version the machine's NVIDIA drivers report (one driver serves all its GPUs). */
function driverCuda(nvidia: readonly GpuInfo[]): [number, number] | null {
  const versions = nvidia.map((gpu) => (gpu.cudaVersion ? majorMinor(gpu.cudaVersion) : null)).filter((v): v is [number, number] => v !== null);
  if (versions.length === 0) return null;
  return versions.reduce((low, v) => (atLeast(v, low) ? low : v));
}

export function majorMinor(version: string): [number, number] | null {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : null;
}

function atLeast(have: readonly [number, number], need: readonly [number, number]): boolean {
  return have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]);
}

function gpuSummary(gpus: readonly GpuInfo[]): string {
  return gpus.length === 0 ? 'no GPU' : gpus.map((gpu) => gpu.name).join(', ');
}

function platformName(platform: string): string {
  return platform === 'win32' ? 'Windows' : platform === 'darwin' ? 'macOS' : platform === 'linux' ? 'Linux' : platform;
}

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}
