/**
 * What the machine has (System page, `lathe system info`, the memory-fit and thread
 * decisions) and how busy it is (the live usage charts). The outside world comes in through
 * the constructor: nvidia-smi through `runProcess`, the rest through a small slice of
 * systeminformation. GPU trouble is reported in `gpuNotes`, never thrown: a machine without
 * a working GPU is still a machine Lathe runs on.
 */
import os from 'node:os';
import si from 'systeminformation';
import type { Systeminformation } from 'systeminformation';
import { LatheError } from '../contract/errors';
import type { GpuInfo, HardwareReport, UsageSample } from '../contract/system-types';
import type { RunProcess } from '../process/run-process';
import { diskSpaceFor } from './disk-space';
import { gpusFromGraphicsControllers, type GraphicsController } from './graphics-adapters';
import { queryNvidiaGpus, readNvidiaCudaVersion, type NvidiaQueryOutcome } from './nvidia-smi-runner';

/** The systeminformation calls the service uses; tests can swap one for a fake. */
export interface SystemInfoSource {
  osInfo(): Promise<Pick<Systeminformation.OsData, 'platform' | 'distro' | 'release' | 'arch' | 'hostname'>>;
  cpu(): Promise<Pick<Systeminformation.CpuData, 'manufacturer' | 'brand' | 'speed' | 'physicalCores'>>;
  mem(): Promise<Pick<Systeminformation.MemData, 'total' | 'available'>>;
  currentLoad(): Promise<Pick<Systeminformation.CurrentLoadData, 'currentLoad'>>;
  graphics(): Promise<{ controllers: GraphicsController[] }>;
}

export interface HardwareServiceDeps {
  runProcess: RunProcess;
  /** The app data folder: the disk figures are those of the filesystem that holds it. */
  dataDir: string;
  sysinfo?: SystemInfoSource;
  now?: () => number;
  logError?: (message: string, error: unknown) => void;
}

/** After nvidia-smi fails, usage samples leave it alone this long, so a wedged driver does not cost a time-out every sample. */
const NVIDIA_RETRY_AFTER_FAILURE_MS = 60_000;
/** systeminformation's graphics() has no time limit of its own (it runs lspci and clinfo). */
const GRAPHICS_TIMEOUT_MS = 10_000;

interface GpuFindings {
  gpus: GpuInfo[];
  notes: string[];
}

export class HardwareService {
  private readonly runProcess: RunProcess;
  private readonly dataDir: string;
  private readonly sysinfo: SystemInfoSource;
  private readonly now: () => number;
  private readonly logError: (message: string, error: unknown) => void;
  /** Set when nvidia-smi is not installed: samples stop asking, `report()` still asks (a driver can be installed while Lathe runs). */
  private nvidiaAbsent = false;
  private nvidiaRetryAt = 0;
  private inFlightSample: Promise<UsageSample> | null = null;

  constructor(deps: HardwareServiceDeps) {
    this.runProcess = deps.runProcess;
    this.dataDir = deps.dataDir;
    this.sysinfo = deps.sysinfo ?? si;
    this.now = deps.now ?? Date.now;
    this.logError = deps.logError ?? (() => undefined);
  }

  async report(): Promise<HardwareReport> {
    const [osInfo, cpu, memory, disk, gpuFindings] = await Promise.all([
      this.sysinfo.osInfo(),
      this.sysinfo.cpu(),
      this.sysinfo.mem(),
      diskSpaceFor(this.dataDir),
      this.findGpus(),
    ]);
    // What `nproc` prints: the CPUs this process may run on, fewer than the board has under taskset or a cpuset.
    const logicalCores = os.availableParallelism();
    return {
      os: { platform: osInfo.platform, distro: osInfo.distro, release: osInfo.release, arch: osInfo.arch, hostname: osInfo.hostname },
      cpu: {
        model: [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ') || 'Unknown CPU',
        // lscpu counts the whole board's cores; a confined process cannot use more than its logical CPUs.
        physicalCores: Math.min(Math.max(1, cpu.physicalCores), logicalCores),
        logicalCores,
        // Virtual machines often report 0.
        speedGHz: cpu.speed > 0 ? cpu.speed : null,
      },
      memory: { totalBytes: memory.total, availableBytes: memory.available },
      disk,
      gpus: gpuFindings.gpus,
      gpuNotes: gpuFindings.notes,
    };
  }

  async sampleUsage(): Promise<UsageSample> {
    const [load, memory, gpus] = await Promise.all([this.sysinfo.currentLoad(), this.sysinfo.mem(), this.sampleNvidiaGpus()]);
    return {
      at: this.now(),
      cpuPercent: load.currentLoad,
      // Page cache counts as available: it is what a training run could still get.
      memoryUsedBytes: memory.total - memory.available,
      memoryTotalBytes: memory.total,
      gpus,
    };
  }

  /**
   * Emits a sample now and then every `intervalMs`, until the returned function is called.
   * Samples never overlap: one slower than the interval skips the ticks it overran. A failed
   * sample is logged and the next tick tries again.
   */
  watchUsage(intervalMs: number, emit: (sample: UsageSample) => void): () => void {
    if (!(intervalMs > 0 && Number.isFinite(intervalMs))) {
      throw new LatheError('invalid_input', `A usage interval must be a positive number of milliseconds, not ${intervalMs}.`);
    }
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async (): Promise<void> => {
      const startedAt = performance.now();
      let sample: UsageSample | null = null;
      try {
        sample = await this.sharedSample();
      } catch (error) {
        this.logError('Sampling hardware usage failed; trying again at the next tick', error);
      }
      if (stopped) return;
      if (sample) {
        try {
          emit(sample);
        } catch (error) {
          this.logError('A hardware usage subscriber failed', error);
        }
      }
      const elapsed = performance.now() - startedAt;
      timer = setTimeout(() => void tick(), intervalMs - (elapsed % intervalMs));
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  /** Watchers that tick while a sample is being taken share it (one nvidia-smi run) instead of each starting their own. */
  private sharedSample(): Promise<UsageSample> {
    this.inFlightSample ??= this.sampleUsage().finally(() => {
      this.inFlightSample = null;
    });
    return this.inFlightSample;
  }

  private async sampleNvidiaGpus(): Promise<UsageSample['gpus']> {
    if (this.nvidiaAbsent || this.now() < this.nvidiaRetryAt) return [];
    const outcome = await queryNvidiaGpus(this.runProcess);
    this.remember(outcome);
    if (outcome.status === 'failed') this.logError('nvidia-smi failed while sampling GPU usage', outcome.reason);
    if (outcome.status !== 'ok') return [];
    return outcome.gpus.map(({ index, utilizationPercent, memoryUsedMb, memoryTotalMb }) => ({
      index,
      utilizationPercent,
      memoryUsedMb,
      memoryTotalMb,
    }));
  }

  private remember(outcome: NvidiaQueryOutcome): void {
    this.nvidiaAbsent = outcome.status === 'absent';
    this.nvidiaRetryAt = outcome.status === 'failed' ? this.now() + NVIDIA_RETRY_AFTER_FAILURE_MS : 0;
  }

  /**
   * NVIDIA GPUs from nvidia-smi when it answers: those are the GPUs training can use.
   * Otherwise whatever graphics adapters the operating system lists, with the reason
   * nvidia-smi could not answer. Its absence is no reason: most machines have no NVIDIA GPU.
   */
  private async findGpus(): Promise<GpuFindings> {
    const [outcome, cudaVersion] = await Promise.all([queryNvidiaGpus(this.runProcess), readNvidiaCudaVersion(this.runProcess)]);
    this.remember(outcome);
    if (outcome.status === 'ok' && outcome.gpus.length > 0) {
      return { gpus: outcome.gpus.map((gpu) => ({ ...gpu, cudaVersion })), notes: [] };
    }
    if (outcome.status === 'failed' && outcome.hung) {
      // systeminformation's graphics() runs nvidia-smi itself, synchronously and with no time
      // limit: against a hung driver it would freeze the whole main process.
      return { gpus: [], notes: [outcome.reason] };
    }
    const adapters = await this.listGraphicsAdapters();
    const notes = outcome.status === 'failed' ? [outcome.reason, ...adapters.notes] : adapters.notes;
    return { gpus: adapters.gpus, notes };
  }

  private async listGraphicsAdapters(): Promise<GpuFindings> {
    try {
      const graphics = await withTimeout(this.sysinfo.graphics(), GRAPHICS_TIMEOUT_MS, 'Listing graphics adapters');
      return { gpus: gpusFromGraphicsControllers(graphics.controllers), notes: [] };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { gpus: [], notes: [`Graphics adapters could not be listed: ${message}`] };
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
