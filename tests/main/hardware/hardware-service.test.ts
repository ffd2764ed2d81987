import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { HardwareService, type SystemInfoSource } from '../../../src-main/hardware/hardware-service';
import { NVIDIA_SMI_TIMEOUT_MS } from '../../../src-main/hardware/nvidia-smi-runner';
import { runProcess } from '../../../src-main/process/run-process';
import { exited, fakeNvidiaSmi, hung, notInstalled, printed, realSysinfoWithGraphics } from './fake-nvidia-smi';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-hardware-'));

const laptopAdapters = [
  { vendor: 'Intel Corporation', model: 'Alder Lake-P GT2 [Iris Xe Graphics]', vram: 128 },
  { vendor: 'NVIDIA Corporation', model: 'GA106M [GeForce RTX 3060 Mobile / Max-Q]', vram: null },
];

function graphicsSpy(controllers = laptopAdapters): { graphics: SystemInfoSource['graphics']; calls: () => number } {
  let calls = 0;
  return {
    graphics: async () => {
      calls += 1;
      return { controllers };
    },
    calls: () => calls,
  };
}

describe('HardwareService.report with nvidia-smi answering', () => {
  it('lists one NVIDIA GPU with the CUDA version from the header, and no notes', async () => {
    const smi = fakeNvidiaSmi({ query: printed('query-rtx-4090.csv'), header: printed('header-550-rtx-4090.txt') });
    const adapters = graphicsSpy();
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, sysinfo: realSysinfoWithGraphics(adapters.graphics) });

    const report = await service.report();

    expect(report.gpus).toEqual([
      {
        index: 0,
        vendor: 'nvidia',
        name: 'NVIDIA GeForce RTX 4090',
        memoryTotalMb: 24564,
        memoryUsedMb: 1024,
        driverVersion: '550.54.14',
        cudaVersion: '12.4',
        utilizationPercent: 3,
        temperatureC: 41,
        powerDrawW: 27.85,
        powerLimitW: 450,
      },
    ]);
    expect(report.gpuNotes).toEqual([]);
    expect(adapters.calls()).toBe(0);
    expect(smi.calls.map((call) => [call.command, call.args.length, call.options?.timeoutMs])).toEqual([
      ['nvidia-smi', 2, NVIDIA_SMI_TIMEOUT_MS],
      ['nvidia-smi', 0, NVIDIA_SMI_TIMEOUT_MS],
    ]);
  });

  it('lists every GPU of a multi-GPU server, each with the driver’s CUDA version', async () => {
    const smi = fakeNvidiaSmi({ query: printed('query-2x-a100.csv'), header: printed('header-535-2x-a100.txt') });
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, sysinfo: realSysinfoWithGraphics(graphicsSpy().graphics) });

    const report = await service.report();

    expect(report.gpus.map((gpu) => [gpu.index, gpu.name, gpu.memoryTotalMb, gpu.memoryUsedMb, gpu.cudaVersion])).toEqual([
      [0, 'NVIDIA A100-SXM4-80GB', 81920, 4, '12.2'],
      [1, 'NVIDIA A100-SXM4-80GB', 81920, 71303, '12.2'],
    ]);
    expect(report.gpuNotes).toEqual([]);
  });
});

describe('HardwareService.report without a working nvidia-smi', () => {
  it('falls back to the operating system’s adapters, without a note, when nvidia-smi is not installed', async () => {
    const smi = fakeNvidiaSmi({ query: notInstalled });
    const adapters = graphicsSpy();
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, sysinfo: realSysinfoWithGraphics(adapters.graphics) });

    const report = await service.report();

    expect(report.gpus.map((gpu) => [gpu.index, gpu.vendor, gpu.name, gpu.memoryTotalMb])).toEqual([
      [0, 'intel', 'Alder Lake-P GT2 [Iris Xe Graphics]', 128],
      [1, 'nvidia', 'GA106M [GeForce RTX 3060 Mobile / Max-Q]', null],
    ]);
    expect(report.gpuNotes).toEqual([]);
  });

  it('says why when nvidia-smi exits with an error, and still lists the adapters', async () => {
    const smi = fakeNvidiaSmi({ query: exited(9, 'driver-not-loaded.txt') });
    const adapters = graphicsSpy();
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, sysinfo: realSysinfoWithGraphics(adapters.graphics) });

    const report = await service.report();

    expect(report.gpuNotes).toEqual([
      "nvidia-smi failed with exit code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    ]);
    expect(report.gpus.map((gpu) => gpu.vendor)).toEqual(['intel', 'nvidia']);
  });

  it('says why when nvidia-smi prints something unreadable, and still lists the adapters', async () => {
    const smi = fakeNvidiaSmi({ query: printed('device-handle-error.txt') });
    const adapters = graphicsSpy();
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, sysinfo: realSysinfoWithGraphics(adapters.graphics) });

    const report = await service.report();

    expect(report.gpuNotes).toHaveLength(1);
    expect(report.gpuNotes[0]).toMatch(/^nvidia-smi printed output Lathe cannot read: line 1 has 1 values/);
    expect(report.gpus).toHaveLength(2);
  });

  it('reports a hung nvidia-smi without asking systeminformation, which would run it again with no time limit', async () => {
    const smi = fakeNvidiaSmi({ query: hung });
    const adapters = graphicsSpy();
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, sysinfo: realSysinfoWithGraphics(adapters.graphics) });

    const report = await service.report();

    expect(report.gpus).toEqual([]);
    expect(report.gpuNotes).toEqual([expect.stringMatching(/^nvidia-smi did not answer within 5 s/)]);
    expect(adapters.calls()).toBe(0);
  });

  it('notes a failing adapter listing instead of throwing', async () => {
    const smi = fakeNvidiaSmi({ query: notInstalled });
    const failingGraphics: SystemInfoSource['graphics'] = () => Promise.reject(new Error('lspci crashed'));
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, sysinfo: realSysinfoWithGraphics(failingGraphics) });

    const report = await service.report();

    expect(report.gpus).toEqual([]);
    expect(report.gpuNotes).toEqual(['Graphics adapters could not be listed: lspci crashed']);
  });
});

describe('HardwareService.report on this machine', () => {
  it('describes the real CPU, memory and disk with the real nvidia-smi lookup, without throwing', async () => {
    const service = new HardwareService({ runProcess, dataDir });

    const report = await service.report();

    expect(report.cpu.logicalCores).toBe(os.availableParallelism());
    expect(report.cpu.logicalCores).toBeLessThanOrEqual(os.cpus().length);
    expect(report.cpu.physicalCores).toBeGreaterThanOrEqual(1);
    expect(report.cpu.physicalCores).toBeLessThanOrEqual(report.cpu.logicalCores);
    expect(report.cpu.model).not.toBe('');
    expect(report.memory.totalBytes).toBe(os.totalmem());
    expect(report.memory.availableBytes).toBeGreaterThan(0);
    expect(report.memory.availableBytes).toBeLessThanOrEqual(report.memory.totalBytes);
    expect(report.os.platform).toBe(process.platform);
    expect(report.os.hostname).toBe(os.hostname());
    expect(report.disk?.path).toBe(dataDir);
    expect(report.disk?.freeBytes).toBeGreaterThan(0);
    expect(report.disk?.totalBytes).toBeGreaterThanOrEqual(report.disk?.freeBytes ?? Infinity);
    for (const gpu of report.gpus) {
      expect(['nvidia', 'amd', 'intel', 'apple', 'other']).toContain(gpu.vendor);
    }
  });

  it('measures a data folder that does not exist yet on the filesystem it will be created on', async () => {
    const notYetCreated = path.join(dataDir, 'not', 'created', 'yet');
    const service = new HardwareService({ runProcess: fakeNvidiaSmi({ query: notInstalled }).runProcess, dataDir: notYetCreated });

    const { disk } = await service.report();

    expect(disk?.path).toBe(notYetCreated);
    expect(disk?.freeBytes).toBeGreaterThan(0);
  });
});

describe('HardwareService.sampleUsage', () => {
  it('reads GPU utilisation and memory from nvidia-smi next to the real CPU and memory figures', async () => {
    const smi = fakeNvidiaSmi({ query: printed('query-2x-a100.csv') });
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, now: () => 1_700_000_000_000 });

    const sample = await service.sampleUsage();

    expect(sample.at).toBe(1_700_000_000_000);
    expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(sample.cpuPercent).toBeLessThanOrEqual(100);
    expect(sample.memoryTotalBytes).toBe(os.totalmem());
    expect(sample.memoryUsedBytes).toBeGreaterThan(0);
    expect(sample.memoryUsedBytes).toBeLessThan(sample.memoryTotalBytes);
    expect(sample.gpus).toEqual([
      { index: 0, utilizationPercent: 0, memoryUsedMb: 4, memoryTotalMb: 81920 },
      { index: 1, utilizationPercent: 97, memoryUsedMb: 71303, memoryTotalMb: 81920 },
    ]);
  });

  it('stops running nvidia-smi once it is known to be missing, while report() still looks for it', async () => {
    const smi = fakeNvidiaSmi({ query: notInstalled });
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, sysinfo: realSysinfoWithGraphics(graphicsSpy([]).graphics) });

    expect((await service.sampleUsage()).gpus).toEqual([]);
    await service.sampleUsage();
    await service.sampleUsage();
    expect(smi.calls).toHaveLength(1);

    await service.report();
    expect(smi.calls.length).toBeGreaterThan(1);
  });

  it('leaves a failing nvidia-smi alone for a minute instead of paying its time-out every sample', async () => {
    const smi = fakeNvidiaSmi({ query: hung });
    let clock = 0;
    const logged: unknown[] = [];
    const service = new HardwareService({ runProcess: smi.runProcess, dataDir, now: () => clock, logError: (_, error) => logged.push(error) });

    await service.sampleUsage();
    clock = 59_000;
    await service.sampleUsage();
    expect(smi.calls).toHaveLength(1);
    expect(logged).toEqual([expect.stringMatching(/did not answer within 5 s/)]);

    clock = 61_000;
    await service.sampleUsage();
    expect(smi.calls).toHaveLength(2);
  });
});
