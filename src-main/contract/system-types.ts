/** Shapes the System page and `lathe system info` show. Produced by the hardware and python services. */

export interface GpuInfo {
  index: number;
  vendor: 'nvidia' | 'amd' | 'intel' | 'apple' | 'other';
  name: string;
  /** Megabytes, as nvidia-smi and systeminformation report them; null when not known. */
  memoryTotalMb: number | null;
  memoryUsedMb: number | null;
  driverVersion: string | null;
  /** Highest CUDA version the driver supports (NVIDIA only). */
  cudaVersion: string | null;
  utilizationPercent: number | null;
  temperatureC: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
}

export interface HardwareReport {
  os: { platform: string; distro: string; release: string; arch: string; hostname: string };
  cpu: { model: string; physicalCores: number; logicalCores: number; speedGHz: number | null };
  memory: { totalBytes: number; availableBytes: number };
  disk: { path: string; freeBytes: number; totalBytes: number } | null;
  gpus: GpuInfo[];
  /** Why the GPU list may be incomplete (nvidia-smi failing, say); empty when all went well. */
  gpuNotes: string[];
}

export type PythonState = 'ready' | 'no_python' | 'no_torch';

export interface PythonCandidate {
  path: string;
  /** Where the candidate came from: LATHE_PYTHON, the one chosen on the System page, the app's venv, PATH, or the system default. */
  source: 'LATHE_PYTHON' | 'chosen' | 'venv' | 'PATH' | 'system';
  pythonVersion: string | null;
  torchVersion: string | null;
  /** Why this candidate cannot be used, in words. */
  problem: string | null;
}

export interface PythonReport {
  state: PythonState;
  /** The interpreter Lathe will use; null unless state is `ready`. */
  python: string | null;
  pythonVersion: string | null;
  torchVersion: string | null;
  cuda: { available: boolean; version: string | null; devices: string[] };
  mps: boolean;
  torchThreads: number | null;
  candidates: PythonCandidate[];
  /** What a person should do next, when state is not `ready`. */
  advice: string | null;
}

export interface SystemReport {
  hardware: HardwareReport;
  python: PythonReport;
}

export interface UsageSample {
  /** Milliseconds since the epoch. */
  at: number;
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  gpus: { index: number; utilizationPercent: number | null; memoryUsedMb: number | null; memoryTotalMb: number | null }[];
}

export interface AppInfo {
  version: string;
  dataDir: string;
  transport: 'electron' | 'web';
}
