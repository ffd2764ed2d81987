import { describe, it, expect } from 'vitest';
import { LatheError } from '../../../src-main/contract/errors';
import type { GpuInfo } from '../../../src-main/contract/system-types';
import {
  NVIDIA_QUERY_FIELDS,
  nvidiaSmiQueryArgs,
  parseCudaVersionFromHeader,
  parseNvidiaSmiCsv,
} from '../../../src-main/hardware/nvidia-smi';
import { nvidiaSmiFixture } from './fixtures';

function expectUnreadable(text: string, messagePart: RegExp): void {
  let thrown: unknown;
  try {
    parseNvidiaSmiCsv(text);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(LatheError);
  expect((thrown as LatheError).kind).toBe('unavailable');
  expect((thrown as LatheError).message).toMatch(messagePart);
}

describe('nvidiaSmiQueryArgs', () => {
  it('asks for every field in order, as bare CSV', () => {
    expect(nvidiaSmiQueryArgs()).toEqual([
      '--query-gpu=index,name,memory.total,memory.used,driver_version,utilization.gpu,temperature.gpu,power.draw,power.limit',
      '--format=csv,noheader,nounits',
    ]);
    expect(NVIDIA_QUERY_FIELDS).toHaveLength(9);
  });
});

describe('parseNvidiaSmiCsv', () => {
  it('reads one desktop GPU field by field', () => {
    const expected: GpuInfo = {
      index: 0,
      vendor: 'nvidia',
      name: 'NVIDIA GeForce RTX 4090',
      memoryTotalMb: 24564,
      memoryUsedMb: 1024,
      driverVersion: '550.54.14',
      cudaVersion: null,
      utilizationPercent: 3,
      temperatureC: 41,
      powerDrawW: 27.85,
      powerLimitW: 450,
    };
    expect(parseNvidiaSmiCsv(nvidiaSmiFixture('query-rtx-4090.csv'))).toEqual([expected]);
  });

  it('reads every GPU of a multi-GPU server in index order', () => {
    const gpus = parseNvidiaSmiCsv(nvidiaSmiFixture('query-2x-a100.csv'));
    expect(gpus.map((gpu) => gpu.index)).toEqual([0, 1]);
    expect(gpus[1]).toEqual({
      index: 1,
      vendor: 'nvidia',
      name: 'NVIDIA A100-SXM4-80GB',
      memoryTotalMb: 81920,
      memoryUsedMb: 71303,
      driverVersion: '535.129.03',
      cudaVersion: null,
      utilizationPercent: 97,
      temperatureC: 58,
      powerDrawW: 356.12,
      powerLimitW: 400,
    });
    expect(gpus[0]).toMatchObject({ memoryUsedMb: 4, utilizationPercent: 0, temperatureC: 31, powerDrawW: 62.47 });
  });

  it('keeps different models apart on a mixed workstation', () => {
    const gpus = parseNvidiaSmiCsv(nvidiaSmiFixture('query-mixed-3090-3060.csv'));
    expect(gpus.map((gpu) => [gpu.name, gpu.memoryTotalMb, gpu.powerLimitW])).toEqual([
      ['NVIDIA GeForce RTX 3090', 24576, 350],
      ['NVIDIA GeForce RTX 3060', 12288, 170],
    ]);
  });

  it('turns a laptop GPU’s [N/A] power readings into null and keeps the rest', () => {
    const [gpu] = parseNvidiaSmiCsv(nvidiaSmiFixture('query-laptop-power-na.csv'));
    expect(gpu).toMatchObject({ name: 'NVIDIA GeForce RTX 3060 Laptop GPU', memoryTotalMb: 6144, memoryUsedMb: 8, temperatureC: 45 });
    expect(gpu?.powerDrawW).toBeNull();
    expect(gpu?.powerLimitW).toBeNull();
  });

  it('turns [Not Supported] on an old GeForce into null', () => {
    const [gpu] = parseNvidiaSmiCsv(nvidiaSmiFixture('query-gtx-770-not-supported.csv'));
    expect(gpu).toMatchObject({ name: 'GeForce GTX 770', memoryTotalMb: 1998, driverVersion: '418.226.00', temperatureC: 52 });
    expect([gpu?.utilizationPercent, gpu?.powerDrawW, gpu?.powerLimitW]).toEqual([null, null, null]);
  });

  it('treats bare N/A, empty values and other bracketed markers as unknown', () => {
    const [gpu] = parseNvidiaSmiCsv('0, NVIDIA GeForce RTX 4060, 8188, , 550.54.14, [Unknown Error], N/A, [Insufficient Permissions], 115.00\n');
    expect(gpu).toMatchObject({ memoryUsedMb: null, utilizationPercent: null, temperatureC: null, powerDrawW: null, powerLimitW: 115 });
  });

  it('reads Windows line endings the same as Unix ones', () => {
    const unix = nvidiaSmiFixture('query-2x-a100.csv');
    expect(parseNvidiaSmiCsv(unix.replaceAll('\n', '\r\n'))).toEqual(parseNvidiaSmiCsv(unix));
  });

  it('returns no GPUs for empty output', () => {
    expect(parseNvidiaSmiCsv('')).toEqual([]);
    expect(parseNvidiaSmiCsv('\n\r\n')).toEqual([]);
  });

  it('rejects a line with the wrong number of values, naming the line', () => {
    const twoGpus = nvidiaSmiFixture('query-2x-a100.csv').split('\n');
    const shortSecondLine = [twoGpus[0], '1, NVIDIA A100-SXM4-80GB, 81920'].join('\n');
    expectUnreadable(shortSecondLine, /line 2 has 3 values where 9 were asked for/);
  });

  it('rejects a name containing ", " because it cannot be told apart from two values', () => {
    expectUnreadable('0, NVIDIA, GeForce RTX 4090, 24564, 1024, 550.54.14, 3, 41, 27.85, 450.00\n', /10 values where 9/);
  });

  it('rejects numbers that carry units instead of reading their prefix', () => {
    expectUnreadable(nvidiaSmiFixture('query-with-units.csv'), /memory\.total is "24564 MiB", not a number/);
  });

  it('rejects a line without a GPU index', () => {
    expectUnreadable('[N/A], NVIDIA GeForce RTX 4090, 24564, 1024, 550.54.14, 3, 41, 27.85, 450.00\n', /no GPU index/);
  });

  it('rejects the messages nvidia-smi prints instead of a table', () => {
    expectUnreadable(nvidiaSmiFixture('driver-not-loaded.txt'), /line 1 has 1 values/);
    expectUnreadable(nvidiaSmiFixture('device-handle-error.txt'), /line 1 has 1 values/);
  });

  it('keeps the offending line in the error detail for the logs', () => {
    try {
      parseNvidiaSmiCsv('garbage\n');
      expect.unreachable('garbage was accepted');
    } catch (error) {
      expect((error as LatheError).detail).toBe('garbage');
    }
  });
});

describe('parseCudaVersionFromHeader', () => {
  it('reads "CUDA Version" from a 550 driver header', () => {
    expect(parseCudaVersionFromHeader(nvidiaSmiFixture('header-550-rtx-4090.txt'))).toBe('12.4');
  });

  it('reads "CUDA UMD Version" from a 610 driver header', () => {
    expect(parseCudaVersionFromHeader(nvidiaSmiFixture('header-610-kmd-umd.txt'))).toBe('13.3');
  });

  it('reads the `nvidia-smi -q` spelling too', () => {
    expect(parseCudaVersionFromHeader('Driver Version                            : 535.129.03\nCUDA Version                              : 12.2\n')).toBe('12.2');
  });

  it('returns null for drivers that print none, N/A, or no header at all', () => {
    expect(parseCudaVersionFromHeader(nvidiaSmiFixture('header-396-no-cuda.txt'))).toBeNull();
    expect(parseCudaVersionFromHeader('| NVIDIA-SMI 550.54.14   Driver Version: 550.54.14   CUDA Version: N/A |')).toBeNull();
    expect(parseCudaVersionFromHeader(nvidiaSmiFixture('driver-not-loaded.txt'))).toBeNull();
  });
});
