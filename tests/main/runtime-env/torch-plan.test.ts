import { describe, expect, it } from 'vitest';
import type { GpuInfo, HardwareReport, PlanProblemKind } from '../../../src-main/contract';
import { parseCudaVersionFromHeader, parseNvidiaSmiCsv } from '../../../src-main/hardware/nvidia-smi';
import { planTorchInstall, type PackageSource } from '../../../src-main/runtime-env/torch-plan';
import { nvidiaSmiFixture } from '../hardware/fixtures';

const GiB = 1024 ** 3;

/** A hardware report the way HardwareService builds it from the recorded nvidia-smi outputs. */
function nvidiaMachine(query: string, header: string | null, platform = 'linux'): HardwareReport {
  const cudaVersion = header === null ? null : parseCudaVersionFromHeader(nvidiaSmiFixture(header));
  return machine(platform, 'x64', parseNvidiaSmiCsv(nvidiaSmiFixture(query)).map((gpu) => ({ ...gpu, cudaVersion })));
}

function machine(platform: string, arch: string, gpus: GpuInfo[] = [], freeBytes = 500 * GiB): HardwareReport {
  return {
    os: { platform, arch, distro: 'test', release: '1', hostname: 'test' },
    cpu: { model: 'cpu', physicalCores: 2, logicalCores: 2, speedGHz: null },
    memory: { totalBytes: 16 * GiB, availableBytes: 8 * GiB },
    disk: { path: '/data', freeBytes, totalBytes: 1000 * GiB },
    gpus,
    gpuNotes: [],
  };
}

function otherGpu(vendor: GpuInfo['vendor'], name: string): GpuInfo {
  return { index: 0, vendor, name, memoryTotalMb: 16_384, memoryUsedMb: null, driverVersion: null, cudaVersion: null, utilizationPercent: null, temperatureC: null, powerDrawW: null, powerLimitW: null };
}

const python311 = { version: '3.11.7' };

describe('planTorchInstall: the automatic choice', () => {
  const table: { name: string; hardware: HardwareReport; build: string; device: string; index: string | null }[] = [
    { name: 'RTX 4090, driver 550 (CUDA 12.4)', hardware: nvidiaMachine('query-rtx-4090.csv', 'header-550-rtx-4090.txt'), build: 'cu124', device: 'cuda', index: 'https://download.pytorch.org/whl/cu124' },
    { name: '2× A100, driver 535 (CUDA 12.2)', hardware: nvidiaMachine('query-2x-a100.csv', 'header-535-2x-a100.txt'), build: 'cu121', device: 'cuda', index: 'https://download.pytorch.org/whl/cu121' },
    { name: 'driver 610 reporting CUDA UMD 13.3', hardware: nvidiaMachine('query-rtx-4090.csv', 'header-610-kmd-umd.txt'), build: 'cu130', device: 'cuda', index: 'https://download.pytorch.org/whl/cu130' },
    { name: 'RTX 4090 on Windows, driver 550', hardware: nvidiaMachine('query-rtx-4090.csv', 'header-550-rtx-4090.txt', 'win32'), build: 'cu124', device: 'cuda', index: 'https://download.pytorch.org/whl/cu124' },
    { name: 'driver 396 without a CUDA version', hardware: nvidiaMachine('query-gtx-770-not-supported.csv', 'header-396-no-cuda.txt'), build: 'cpu', device: 'cpu', index: 'https://download.pytorch.org/whl/cpu' },
    { name: 'AMD GPU on Linux', hardware: machine('linux', 'x64', [otherGpu('amd', 'Radeon RX 7900 XTX')]), build: 'rocm6.4', device: 'rocm', index: 'https://download.pytorch.org/whl/rocm6.4' },
    { name: 'AMD GPU on Windows', hardware: machine('win32', 'x64', [otherGpu('amd', 'Radeon RX 7900 XTX')]), build: 'cpu', device: 'cpu', index: 'https://download.pytorch.org/whl/cpu' },
    { name: 'Apple silicon', hardware: machine('darwin', 'arm64', [otherGpu('apple', 'Apple M3 Max')]), build: 'mps', device: 'mps', index: null },
    { name: 'Intel Mac', hardware: machine('darwin', 'x64', [otherGpu('intel', 'Intel Iris Plus')]), build: 'cpu', device: 'cpu', index: 'https://download.pytorch.org/whl/cpu' },
    { name: 'Linux without a GPU', hardware: machine('linux', 'x64'), build: 'cpu', device: 'cpu', index: 'https://download.pytorch.org/whl/cpu' },
    { name: 'Intel GPU on Linux', hardware: machine('linux', 'x64', [otherGpu('intel', 'Intel UHD 630')]), build: 'cpu', device: 'cpu', index: 'https://download.pytorch.org/whl/cpu' },
  ];

  for (const row of table) {
    it(row.name, () => {
      const plan = planTorchInstall({ hardware: row.hardware, python: python311 });
      expect({ build: plan.build, device: plan.device, index: plan.indexUrl }).toEqual({ build: row.build, device: row.device, index: row.index });
      expect(plan.problems).toEqual([]);
      expect(plan.packages).toEqual(['torch', 'numpy']);
      expect(plan.overridden).toBe(false);
      expect(plan.reason.length).toBeGreaterThan(20);
    });
  }

  it('explains the choice with the driver CUDA version and names the newer driver in a note', () => {
    const plan = planTorchInstall({ hardware: nvidiaMachine('query-rtx-4090.csv', 'header-550-rtx-4090.txt'), python: python311 });
    expect(plan.reason).toContain('CUDA 12.4');
    expect(plan.reason).toContain('RTX 4090');
    expect(plan.notes.join(' ')).toMatch(/newer NVIDIA driver/);
  });

  it('takes the lowest CUDA version of mixed GPUs and suggests a driver update for an old one', () => {
    const mixed = nvidiaMachine('query-mixed-3090-3060.csv', 'header-535-2x-a100.txt');
    expect(planTorchInstall({ hardware: mixed, python: python311 }).build).toBe('cu121');
    const old = machine('linux', 'x64', [{ ...otherGpu('nvidia', 'GeForce GTX 770'), cudaVersion: '10.1' }]);
    const plan = planTorchInstall({ hardware: old, python: python311 });
    expect(plan.build).toBe('cpu');
    expect(plan.notes.join(' ')).toMatch(/Update the NVIDIA driver.*CUDA 11\.8/);
  });
});

describe('planTorchInstall: overrides and problems', () => {
  const rtx550 = nvidiaMachine('query-rtx-4090.csv', 'header-550-rtx-4090.txt');
  const table: { name: string; hardware: HardwareReport; torch: string; python?: string; kinds: PlanProblemKind[]; message?: RegExp }[] = [
    { name: 'cpu is always possible', hardware: rtx550, torch: 'cpu', kinds: [] },
    { name: 'an older CUDA build than the driver allows', hardware: rtx550, torch: 'cu118', kinds: [] },
    { name: 'a CUDA build newer than the driver', hardware: rtx550, torch: 'cu128', kinds: ['driver_too_old'], message: /needs an NVIDIA driver that supports CUDA 12\.8.*supports CUDA 12\.4.*choose cu124/ },
    { name: 'CUDA without NVIDIA', hardware: machine('linux', 'x64'), torch: 'cu126', kinds: ['no_nvidia'], message: /needs an NVIDIA GPU.*no GPU.*Choose cpu/ },
    { name: 'CUDA on a Mac', hardware: machine('darwin', 'arm64', [otherGpu('apple', 'Apple M2')]), torch: 'cu126', kinds: ['no_nvidia'], message: /Choose cpu or mps/ },
    { name: 'ROCm without AMD', hardware: rtx550, torch: 'rocm6.4', kinds: ['no_amd'] },
    { name: 'MPS on Linux', hardware: rtx550, torch: 'mps', kinds: ['not_apple_silicon'] },
    { name: 'an unknown build', hardware: rtx550, torch: 'cuda12', kinds: ['unknown_build'] },
    { name: 'Python too old', hardware: rtx550, torch: 'cpu', python: '3.8.18', kinds: ['python_too_old'], message: /Python 3\.8\.18 is too old/ },
    { name: 'Python too new', hardware: rtx550, torch: 'cpu', python: '3.15.0', kinds: ['python_too_new'] },
    { name: 'several problems at once', hardware: machine('linux', 'x64', [], GiB), torch: 'cu128', python: '3.7.3', kinds: ['no_nvidia', 'python_too_old', 'not_enough_disk'] },
  ];

  for (const row of table) {
    it(row.name, () => {
      const plan = planTorchInstall({ hardware: row.hardware, python: { version: row.python ?? '3.11.7' }, torch: row.torch });
      expect(plan.problems.map((problem) => problem.kind)).toEqual(row.kinds);
      expect(plan.overridden).toBe(true);
      expect(plan.reason).toMatch(new RegExp(`^You chose the ${row.torch.replace('.', '\\.')} build`));
      if (row.message) expect(plan.problems[0]?.message).toMatch(row.message);
    });
  }

  it('says how much disk is needed and how much is free', () => {
    const plan = planTorchInstall({ hardware: machine('linux', 'x64', [], 2 * GiB), python: python311, torch: 'cu126' });
    const disk = plan.problems.find((problem) => problem.kind === 'not_enough_disk');
    expect(disk?.message).toMatch(/needs about 7\.0 GiB free in \/data, but only 2\.0 GiB is free/);
  });

  it('installs from a wheel folder by its size, without numpy when the folder has none', () => {
    const source: PackageSource = { kind: 'wheels', dir: '/wheels', bytes: 2 * GiB, hasNumpy: false };
    const plan = planTorchInstall({ hardware: machine('linux', 'x64', [], 5 * GiB), python: python311, torch: 'cpu', source });
    expect(plan.indexUrl).toBeNull();
    expect(plan.packages).toEqual(['torch']);
    expect(plan.requiredBytes).toBe(6 * GiB);
    expect(plan.problems.map((problem) => problem.kind)).toEqual(['not_enough_disk']);
  });

  it('leaves a too-new Python to the index the person named', () => {
    const plan = planTorchInstall({ hardware: machine('linux', 'x64'), python: { version: '3.15.1' }, source: { kind: 'index', url: 'http://127.0.0.1:9/simple' } });
    expect(plan.problems).toEqual([]);
    expect(plan.indexUrl).toBe('http://127.0.0.1:9/simple');
    expect(plan.notes.join(' ')).toMatch(/newer than any torch release/);
  });
});
