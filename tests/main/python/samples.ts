/** Runtime reports as `python -m lathe_runtime info` prints them, for the pure-function tests. */
import type { RuntimeInfo, TorchInfo } from '../../../src-main/python/runtime-info';

export function torchInfo(overrides: Partial<TorchInfo> = {}): TorchInfo {
  return {
    version: '2.7.1+cu128',
    cuda_available: true,
    cuda_version: '12.8',
    cuda_devices: ['NVIDIA GeForce RTX 4090'],
    cuda_bf16: true,
    cuda_error: null,
    mps_available: false,
    num_threads: 16,
    sdpa: true,
    ...overrides,
  };
}

export function runtimeInfo(overrides: Partial<RuntimeInfo> = {}): RuntimeInfo {
  return {
    lathe_runtime: '0.1.0',
    python: { version: '3.12.3', executable: '/home/ada/.venvs/torch/bin/python3' },
    torch: torchInfo(),
    torch_error: null,
    ...overrides,
  };
}
