/**
 * Where a planned run trains and the memory it is judged against: `auto` on CPU, CUDA and
 * Apple machines, named devices, and the precision the estimate assumes.
 */
import { describe, expect, it } from 'vitest';
import { planRun } from '../../../../src-main/training/plan';
import { GiB, cpuBox, cpuPython, cudaPython, gpuBox, inputs, mediumSet, qwen05 } from './plan-fixtures';

const MiB = 2 ** 20;

describe('device auto', () => {
  it('picks the CUDA GPU with the most free memory, by its nvidia-smi index, and judges against its free memory', () => {
    const plan = planRun(inputs({ hardware: gpuBox, python: cudaPython }));
    expect(plan.settings.device).toBe('cuda:1');
    expect(plan.device).toMatchObject({ kind: 'cuda', totalBytes: 16_376 * MiB, freeBytes: (16_376 - 300) * MiB });
    expect(plan.device.label).toBe('cuda:1 · NVIDIA RTX A4000 (16.0 GiB, 15.7 GiB free)');
    expect(plan.presetReasons).toContain('Device auto: cuda:1, the GPU with the most free memory of 2.');
  });

  it('uses the CPU when torch sees no CUDA GPU, even if nvidia-smi lists one', () => {
    const plan = planRun(inputs({ hardware: gpuBox, python: cpuPython }));
    expect(plan.settings.device).toBe('cpu');
    expect(plan.device).toMatchObject({ kind: 'cpu', totalBytes: gpuBox.memory.totalBytes, freeBytes: gpuBox.memory.availableBytes });
  });

  it('ignores GPUs torch cannot reach', () => {
    const plan = planRun(inputs({ hardware: gpuBox, python: { ...cudaPython, cuda: { ...cudaPython.cuda, devices: ['NVIDIA GeForce RTX 4090'] } } }));
    expect(plan.settings.device).toBe('cuda:0');
  });

  it("uses Apple's GPU with the machine's memory as its budget", () => {
    const plan = planRun(inputs({ hardware: { ...cpuBox, cpu: { ...cpuBox.cpu, model: 'Apple M3' } }, python: { ...cpuPython, mps: true } }));
    expect(plan.settings.device).toBe('mps');
    expect(plan.device).toMatchObject({ kind: 'mps', totalBytes: 16 * GiB, freeBytes: 12 * GiB });
  });

  it('on a CPU, estimates in fp32 (auto never picks bf16 without native instructions) and fp32 on MPS', () => {
    const cpu = planRun(inputs());
    expect(cpu.memory.parts.weights.bytes).toBe(1_116_032 * 4);
    const cuda = planRun(inputs({ fixture: qwen05, dataset: mediumSet, hardware: gpuBox, python: cudaPython }));
    expect(cuda.memory.parts.weights.bytes).toBe(qwen05.entry.facts!.parameterCount * 2);
    const asked = planRun(inputs({ overrides: { precision: 'bf16' } }));
    expect(asked.memory.parts.weights.bytes).toBe(1_116_032 * 2);
  });
});

describe('named devices', () => {
  it('cpu on a GPU machine', () => {
    expect(planRun(inputs({ hardware: gpuBox, python: cudaPython, overrides: { device: 'cpu' } })).device.kind).toBe('cpu');
  });

  it('cuda means cuda:0; cuda:N keeps N', () => {
    expect(planRun(inputs({ hardware: gpuBox, python: cudaPython, overrides: { device: 'cuda' } })).settings.device).toBe('cuda:0');
    const busy = planRun(inputs({ fixture: qwen05, dataset: mediumSet, hardware: gpuBox, python: cudaPython, overrides: { device: 'cuda:0' } }));
    expect(busy.settings.device).toBe('cuda:0');
    expect(busy.device.freeBytes).toBe((24_564 - 20_000) * MiB);
  });
});
