import { describe, it, expect } from 'vitest';
import { gpuVendorOf, gpusFromGraphicsControllers } from '../../../src-main/hardware/graphics-adapters';

describe('gpuVendorOf', () => {
  it('maps the vendor names systeminformation reports', () => {
    expect(gpuVendorOf('NVIDIA Corporation GA106 [GeForce RTX 3060]')).toBe('nvidia');
    expect(gpuVendorOf('Advanced Micro Devices, Inc. [AMD/ATI] Navi 31 [Radeon RX 7900 XTX]')).toBe('amd');
    expect(gpuVendorOf('Intel Corporation Alder Lake-P GT2 [Iris Xe Graphics]')).toBe('intel');
    expect(gpuVendorOf('Apple Apple M2 Pro')).toBe('apple');
    expect(gpuVendorOf('Moore Threads MTT S80')).toBe('other');
  });

  it('does not read "ati" inside "Corporation" as AMD', () => {
    expect(gpuVendorOf('Example Graphics Corporation GX-1')).toBe('other');
  });
});

describe('gpusFromGraphicsControllers', () => {
  it('lists real adapters with what systeminformation knows and nulls for the rest', () => {
    const gpus = gpusFromGraphicsControllers([
      { vendor: 'Intel Corporation', model: 'Alder Lake-P GT2 [Iris Xe Graphics]', vram: 128, driverVersion: '31.0.101.4502' },
      { vendor: 'NVIDIA Corporation', model: 'GA106M [GeForce RTX 3060 Mobile / Max-Q]', vram: null },
    ]);
    expect(gpus).toEqual([
      {
        index: 0,
        vendor: 'intel',
        name: 'Alder Lake-P GT2 [Iris Xe Graphics]',
        memoryTotalMb: 128,
        memoryUsedMb: null,
        driverVersion: '31.0.101.4502',
        cudaVersion: null,
        utilizationPercent: null,
        temperatureC: null,
        powerDrawW: null,
        powerLimitW: null,
      },
      expect.objectContaining({ index: 1, vendor: 'nvidia', name: 'GA106M [GeForce RTX 3060 Mobile / Max-Q]', memoryTotalMb: null, driverVersion: null }),
    ]);
  });

  it('leaves out emulated and server-console adapters and numbers the rest from 0', () => {
    const gpus = gpusFromGraphicsControllers([
      { vendor: 'VMware', model: 'SVGA II Adapter', vram: 16 },
      { vendor: 'Red Hat, Inc.', model: 'Virtio 1.0 GPU', vram: null },
      { vendor: 'ASPEED Technology, Inc.', model: 'ASPEED Graphics Family', vram: null },
      { vendor: 'Microsoft Corporation', model: 'Microsoft Basic Display Adapter', vram: 0 },
      { vendor: '', model: '', vram: null },
      { vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Navi 31 [Radeon RX 7900 XTX]', vram: 24576 },
    ]);
    expect(gpus.map((gpu) => [gpu.index, gpu.vendor, gpu.memoryTotalMb])).toEqual([[0, 'amd', 24576]]);
  });

  it('names an adapter by its vendor when the model is empty', () => {
    expect(gpusFromGraphicsControllers([{ vendor: 'Apple', model: '', vram: null }])[0]?.name).toBe('Apple');
  });
});
