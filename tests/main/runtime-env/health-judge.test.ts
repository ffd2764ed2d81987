import { describe, expect, it } from 'vitest';
import type { GpuInfo, HardwareReport } from '../../../src-main/contract';
import { judgeHealth, type HealthScriptReport } from '../../../src-main/runtime-env/health-check';

const GiB = 1024 ** 3;
const rtx: GpuInfo = { index: 0, vendor: 'nvidia', name: 'NVIDIA GeForce RTX 4090', memoryTotalMb: 24564, memoryUsedMb: 0, driverVersion: '550.54.14', cudaVersion: '12.4', utilizationPercent: null, temperatureC: null, powerDrawW: null, powerLimitW: null };
const machine = (gpus: GpuInfo[], freeBytes = 100 * GiB): Pick<HardwareReport, 'os' | 'gpus' | 'disk'> => ({
  os: { platform: 'linux', arch: 'x64', distro: 'test', release: '1', hostname: 'test' },
  gpus,
  disk: { path: '/data', freeBytes, totalBytes: 1000 * GiB },
});
const healthy: HealthScriptReport = { python: '3.11.7', torch: '2.7.1+cu128', torch_missing: false, torch_error: null, cuda_build: '12.8', hip_build: null, device: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', matmul_ms: 3.2, matmul_error: null };
const runtime = { candidate: { path: '/env/bin/python3', source: 'venv' as const }, info: {} as never, problem: null };
const judge = (report: HealthScriptReport | null, hardware = machine([rtx]), expectedDevice: 'cuda' | 'cpu' | null = 'cuda') =>
  judgeHealth({ python: '/env/bin/python3', report, scriptFailure: report ? null : 'exited with code 1', runtime: report ? runtime : null }, { hardware, expectedDevice, now: 1 });

describe('judgeHealth', () => {
  it('a CUDA build on its GPU is healthy', () => {
    expect(judge(healthy)).toMatchObject({ ok: true, device: 'cuda', matmulMs: 3.2, runtimeAnswers: true, problems: [] });
  });

  it('a CUDA build newer than the driver: driver too old, with the driver and the build to choose', () => {
    const health = judge({ ...healthy, device: 'cpu', device_name: null });
    expect(health.ok).toBe(false);
    expect(health.problems[0]).toMatchObject({ kind: 'driver_too_old', blocking: true });
    expect(health.problems[0]?.nextStep).toMatch(/Update the NVIDIA driver to one that supports CUDA 12\.8, or .*--torch cu124/);
  });

  it('a GPU build that sees no GPU names nvidia-smi and CUDA_VISIBLE_DEVICES', () => {
    const health = judge({ ...healthy, cuda_build: '12.1', device: 'cpu', device_name: null });
    expect(health.problems[0]).toMatchObject({ kind: 'no_gpu_visible', blocking: true });
    expect(health.problems[0]?.nextStep).toMatch(/nvidia-smi lists NVIDIA GeForce RTX 4090.*CUDA_VISIBLE_DEVICES/);
  });

  it('the CPU build on a GPU machine still trains, with the GPU build as next step', () => {
    const health = judge({ ...healthy, torch: '2.7.1+cpu', cuda_build: null, device: 'cpu', device_name: null }, machine([rtx]), null);
    expect(health.ok).toBe(true);
    expect(health.problems).toEqual([expect.objectContaining({ kind: 'cpu_build_on_gpu', blocking: false, nextStep: expect.stringMatching(/--torch cu124/) })]);
  });

  it('torch missing, and torch broken, each with the set-up command', () => {
    const missing = judge({ ...healthy, torch: null, torch_missing: true, torch_error: "ModuleNotFoundError: No module named 'torch'", device: null }, machine([]), null);
    expect(missing.problems[0]).toMatchObject({ kind: 'torch_missing', nextStep: 'Set up torch: System page → Set up, or npx lathe runtime setup --torch cpu' });
    const broken = judge({ ...healthy, torch: null, torch_error: 'OSError: libcudart.so.12: cannot open shared object file', device: null }, machine([]), null);
    expect(broken.problems[0]?.message).toMatch(/does not import: OSError: libcudart/);
  });

  it('an interpreter that does not run, and low disk (not blocking)', () => {
    expect(judge(null).problems[0]).toMatchObject({ kind: 'python_failed', blocking: true });
    const low = judge(healthy, machine([rtx], GiB / 2));
    expect(low.ok).toBe(true);
    expect(low.problems[0]).toMatchObject({ kind: 'not_enough_disk', blocking: false });
    expect(low.problems[0]?.nextStep).toMatch(/Free at least 2 GiB in \/data/);
  });
});
