import { describe, it, expect } from 'vitest';
import { chooseThreads } from '../../../src-main/hardware/choose-threads';

const cpu = (physicalCores: number, logicalCores: number) => ({
  cpu: { model: 'Test CPU', physicalCores, logicalCores, speedGHz: null },
});

describe('chooseThreads', () => {
  it('uses one thread per physical core, not per hyper-thread', () => {
    expect(chooseThreads(cpu(8, 16))).toBe(8);
    expect(chooseThreads(cpu(2, 2))).toBe(2);
  });

  it('never exceeds the CPUs the process may run on', () => {
    expect(chooseThreads(cpu(32, 4))).toBe(4);
  });

  it('falls back to one thread when the counts are unknown or nonsense', () => {
    expect(chooseThreads(cpu(0, 0))).toBe(1);
    expect(chooseThreads(cpu(Number.NaN, 8))).toBe(1);
  });
});
