import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it, expect, vi } from 'vitest';
import { LatheError } from '../../../src-main/contract/errors';
import type { UsageSample } from '../../../src-main/contract/system-types';
import { HardwareService, type SystemInfoSource } from '../../../src-main/hardware/hardware-service';
import { runProcess } from '../../../src-main/process/run-process';
import { fakeNvidiaSmi, notInstalled } from './fake-nvidia-smi';

const dataDir = os.tmpdir();

/** A sampler whose CPU reading takes `sampleMs`, counting how many readings run at once. */
function slowSysinfo(sampleMs: number, failFirst = false) {
  const stats = { started: 0, running: 0, mostAtOnce: 0 };
  const sysinfo: SystemInfoSource = {
    osInfo: () => Promise.reject(new Error('not used')),
    cpu: () => Promise.reject(new Error('not used')),
    graphics: () => Promise.reject(new Error('not used')),
    mem: async () => ({ total: 8e9, available: 6e9 }),
    currentLoad: async () => {
      stats.started += 1;
      stats.running += 1;
      stats.mostAtOnce = Math.max(stats.mostAtOnce, stats.running);
      await sleep(sampleMs);
      stats.running -= 1;
      if (failFirst && stats.started === 1) throw new Error('load unreadable');
      return { currentLoad: 12.5 };
    },
  };
  return { sysinfo, stats };
}

function serviceWith(sysinfo: SystemInfoSource, logError?: (message: string, error: unknown) => void): HardwareService {
  return new HardwareService({ runProcess: fakeNvidiaSmi({ query: notInstalled }).runProcess, dataDir, sysinfo, logError });
}

describe('HardwareService.watchUsage', () => {
  it('samples the real machine repeatedly, and stops when unsubscribed', async () => {
    const service = new HardwareService({ runProcess, dataDir });
    const samples: UsageSample[] = [];

    const unsubscribe = service.watchUsage(250, (sample) => samples.push(sample));
    await vi.waitFor(() => expect(samples.length).toBeGreaterThanOrEqual(2), { timeout: 3_000, interval: 50 });
    unsubscribe();
    const countWhenStopped = samples.length;
    await sleep(700);

    expect(samples.length).toBe(countWhenStopped);
    expect(samples[1]!.at).toBeGreaterThan(samples[0]!.at);
    expect(samples[0]!.memoryTotalBytes).toBe(os.totalmem());
  });

  it('never overlaps samples, and skips the ticks a slow sample overran', async () => {
    const { sysinfo, stats } = slowSysinfo(60);
    const emitted: number[] = [];

    const unsubscribe = serviceWith(sysinfo).watchUsage(10, () => emitted.push(performance.now()));
    await sleep(500);
    unsubscribe();

    expect(stats.mostAtOnce).toBe(1);
    // 500 ms of 60 ms samples is at most 9 of them; catching up on missed 10 ms ticks would be ~50.
    expect(stats.started).toBeLessThanOrEqual(9);
    // Each sample reaches the watcher once: ticks that fired during a sample were skipped, not replayed.
    expect(emitted.length).toBeLessThanOrEqual(stats.started);
    expect(emitted.length).toBeGreaterThanOrEqual(3);
  });

  it('takes the first sample at once rather than after one interval', async () => {
    const { sysinfo } = slowSysinfo(0);
    const emitted: UsageSample[] = [];

    const unsubscribe = serviceWith(sysinfo).watchUsage(60_000, (sample) => emitted.push(sample));
    await vi.waitFor(() => expect(emitted).toHaveLength(1), { timeout: 1_000, interval: 10 });
    unsubscribe();

    expect(emitted[0]).toMatchObject({ cpuPercent: 12.5, memoryUsedBytes: 2e9, memoryTotalBytes: 8e9, gpus: [] });
  });

  it('lets watchers that tick together share one sample', async () => {
    const { sysinfo, stats } = slowSysinfo(50);
    const service = serviceWith(sysinfo);
    const first: UsageSample[] = [];
    const second: UsageSample[] = [];

    const stopFirst = service.watchUsage(60_000, (sample) => first.push(sample));
    const stopSecond = service.watchUsage(60_000, (sample) => second.push(sample));
    await vi.waitFor(() => expect(first.length + second.length).toBe(2), { timeout: 1_000, interval: 10 });
    stopFirst();
    stopSecond();

    expect(stats.started).toBe(1);
    expect(second[0]).toBe(first[0]);
  });

  it('logs a failed sample and tries again at the next tick', async () => {
    const { sysinfo } = slowSysinfo(5, true);
    const logged: string[] = [];
    const emitted: UsageSample[] = [];

    const unsubscribe = serviceWith(sysinfo, (message) => logged.push(message)).watchUsage(20, (sample) => emitted.push(sample));
    await vi.waitFor(() => expect(emitted.length).toBeGreaterThanOrEqual(1), { timeout: 1_000, interval: 10 });
    unsubscribe();

    expect(logged).toEqual(['Sampling hardware usage failed; trying again at the next tick']);
  });

  it('keeps sampling when a subscriber throws', async () => {
    const { sysinfo } = slowSysinfo(5);
    const logged: string[] = [];
    let calls = 0;

    const unsubscribe = serviceWith(sysinfo, (message) => logged.push(message)).watchUsage(20, () => {
      calls += 1;
      if (calls === 1) throw new Error('subscriber broke');
    });
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(2), { timeout: 1_000, interval: 10 });
    unsubscribe();

    expect(logged).toEqual(['A hardware usage subscriber failed']);
  });

  it('emits nothing once unsubscribed, even from a sample already under way', async () => {
    const { sysinfo, stats } = slowSysinfo(100);
    const emitted: UsageSample[] = [];

    const unsubscribe = serviceWith(sysinfo).watchUsage(20, (sample) => emitted.push(sample));
    await sleep(20);
    unsubscribe();
    await sleep(200);

    expect(stats.started).toBe(1);
    expect(emitted).toEqual([]);
  });

  it('refuses an interval that is not a positive number of milliseconds', () => {
    const service = serviceWith(slowSysinfo(0).sysinfo);
    for (const interval of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => service.watchUsage(interval, () => undefined)).toThrow(LatheError);
    }
  });
});
