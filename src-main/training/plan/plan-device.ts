/**
 * Where a run will train and how much memory it may use there, from the hardware report and
 * what Python's torch can reach. `auto` follows the runtime's order (CUDA, then MPS, then the
 * CPU; train/device.py) but, with several GPUs, picks the one with the most free memory and
 * names it (`cuda:N`), so the estimate and the run are about the same card. The training
 * service spawns the runtime with CUDA_DEVICE_ORDER=PCI_BUS_ID, which makes CUDA's numbering
 * nvidia-smi's (the hardware report's).
 */
import type { GpuInfo, HardwareReport, PythonReport } from '../../contract/system-types';
import type { MemoryDevice, TrainingPrecision } from '../../contract/memory-types';
import { formatBytes } from '../memory-units';

const MiB = 1024 * 1024;

export interface PlanDevice {
  /** The device string the run uses: `cpu`, `mps` or `cuda:N`. */
  name: string;
  /** For the estimate; null when the device's memory size is not known. */
  memory: MemoryDevice | null;
  label: string;
  /** Why the requested device cannot be used, as sentences saying what to change. */
  problems: string[];
  /** How `auto` was resolved, for the plan's reasons; null when a device was named. */
  reason: string | null;
}

/** The device `requested` (`auto`, `cpu`, `mps`, `cuda`, `cuda:N`) stands for on this machine. */
export function resolvePlanDevice(requested: string, hardware: HardwareReport, python: PythonReport): PlanDevice {
  const cudaCount = python.cuda.available ? python.cuda.devices.length : 0;
  if (requested === 'auto') {
    if (cudaCount > 0) {
      const best = roomiestGpu(hardware.gpus, cudaCount);
      const index = best?.index ?? 0;
      const device = cudaDevice(index, hardware, python);
      const why = cudaCount > 1 ? `the GPU with the most free memory of ${cudaCount}` : 'the CUDA GPU torch sees';
      return { ...device, reason: `Device auto: ${device.name}, ${why}.` };
    }
    if (python.mps) return { ...mpsDevice(hardware), reason: "Device auto: mps, Apple's GPU (torch sees no CUDA GPU)." };
    const why = python.state === 'ready' ? 'torch sees no CUDA or Apple GPU' : 'torch is not ready to say which GPUs it sees';
    return { ...cpuDevice(hardware), reason: `Device auto: the CPU (${why}).` };
  }
  if (requested === 'cpu') return { ...cpuDevice(hardware), reason: null };
  if (requested === 'mps') {
    const device = mpsDevice(hardware);
    if (!python.mps && python.state === 'ready') {
      device.problems.push("Device mps is not available to this torch (Apple's Metal backend is missing): choose cpu or auto.");
    }
    return { ...device, reason: null };
  }
  const match = /^cuda(?::(\d+))?$/.exec(requested);
  if (match === null) {
    return { ...cpuDevice(hardware), problems: [`Device "${requested}" is not one Lathe knows: choose auto, cpu, mps, cuda or cuda:N.`], reason: null };
  }
  const index = match[1] === undefined ? 0 : Number(match[1]);
  const device = cudaDevice(index, hardware, python);
  if (python.state === 'ready' && !python.cuda.available) {
    const torch = python.torchVersion === null ? 'torch' : `torch ${python.torchVersion}`;
    device.problems.push(`Device ${requested} needs a CUDA GPU, but ${torch} sees none: choose cpu or auto, or check the GPU driver.`);
  } else if (python.state === 'ready' && index >= cudaCount) {
    device.problems.push(
      `Device ${requested} does not exist: torch sees ${cudaCount} CUDA GPU${cudaCount === 1 ? '' : 's'} (cuda:0 to cuda:${cudaCount - 1}); choose one of them or auto.`,
    );
  }
  return { ...device, reason: null };
}

/**
 * The precision the runtime's `auto` resolves to, for the estimate: on CUDA bf16 where the
 * GPU has it, else fp16 (the same two bytes, so the estimate does not depend on which); on a
 * CPU fp32, since bf16 there needs AVX512-BF16 or AMX, which the hardware report does not
 * show (the runtime checks /proc/cpuinfo itself); on MPS fp32, as the runtime does.
 */
export function estimatePrecision(precision: 'auto' | TrainingPrecision, kind: MemoryDevice['kind']): TrainingPrecision {
  if (precision !== 'auto') return precision;
  return kind === 'cuda' ? 'bf16' : 'fp32';
}

function roomiestGpu(gpus: readonly GpuInfo[], cudaCount: number): GpuInfo | null {
  const candidates = gpus.filter((gpu) => gpu.vendor === 'nvidia' && gpu.index < cudaCount);
  let best: GpuInfo | null = null;
  for (const gpu of candidates) {
    if (best === null || freeMb(gpu) > freeMb(best)) best = gpu;
  }
  return best;
}

function freeMb(gpu: GpuInfo): number {
  if (gpu.memoryTotalMb === null) return -1;
  return gpu.memoryTotalMb - (gpu.memoryUsedMb ?? 0);
}

function cudaDevice(index: number, hardware: HardwareReport, python: PythonReport): Omit<PlanDevice, 'reason'> {
  const name = `cuda:${index}`;
  const gpu = hardware.gpus.find((g) => g.vendor === 'nvidia' && g.index === index) ?? null;
  const gpuName = gpu?.name ?? python.cuda.devices[index] ?? 'CUDA GPU';
  if (gpu === null || gpu.memoryTotalMb === null || !(gpu.memoryTotalMb > 0)) {
    return { name, memory: null, label: `${name} · ${gpuName} (memory unknown)`, problems: [] };
  }
  const totalBytes = gpu.memoryTotalMb * MiB;
  const freeBytes = gpu.memoryUsedMb === null ? undefined : Math.max(0, totalBytes - gpu.memoryUsedMb * MiB);
  const free = freeBytes === undefined ? '' : `, ${formatBytes(freeBytes)} free`;
  return { name, memory: { kind: 'cuda', totalBytes, freeBytes }, label: `${name} · ${gpuName} (${formatBytes(totalBytes)}${free})`, problems: [] };
}

/** Apple GPUs share the machine's memory, so the budget is the RAM available. */
function mpsDevice(hardware: HardwareReport): Omit<PlanDevice, 'reason'> {
  return { ...ramDevice('mps', hardware), label: `mps · Apple GPU (${ramLabel(hardware)})` };
}

function cpuDevice(hardware: HardwareReport): Omit<PlanDevice, 'reason'> {
  const model = hardware.cpu.model.trim() || 'CPU';
  return { ...ramDevice('cpu', hardware), label: `cpu · ${model} (${ramLabel(hardware)})` };
}

function ramDevice(kind: 'cpu' | 'mps', hardware: HardwareReport): Omit<PlanDevice, 'reason' | 'label'> {
  const { totalBytes, availableBytes } = hardware.memory;
  const memory: MemoryDevice | null = totalBytes > 0 ? { kind, totalBytes, freeBytes: Math.max(0, Math.min(availableBytes, totalBytes)) } : null;
  return { name: kind, memory, problems: [] };
}

function ramLabel(hardware: HardwareReport): string {
  return `${formatBytes(hardware.memory.availableBytes)} of ${formatBytes(hardware.memory.totalBytes)} memory available`;
}
