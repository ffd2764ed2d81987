import { describe, expect, it } from 'vitest';
import { queueDeviceFor, RunQueue } from '../../../../src-main/training/runs/run-queue';
import { speedFrom } from '../../../../src-main/training/runs/run-speed';
import { StepEta } from '../../../../src-main/training/runs/step-eta';

describe('RunQueue', () => {
  it('runs one at a time per device, first come first served, devices apart', () => {
    const queue = new RunQueue();
    queue.enqueue('cpu', 'a');
    queue.enqueue('cpu', 'b');
    queue.enqueue('cuda:0', 'g');
    expect(queue.position('b')).toBe(2);
    expect(queue.next('cpu')).toBe('a');
    expect(queue.next('cpu')).toBeNull(); // a is training
    expect(queue.position('b')).toBe(1);
    expect(queue.next('cuda:0')).toBe('g'); // another device does not wait
    queue.finished('cpu', 'a');
    expect(queue.next('cpu')).toBe('b');
    expect(queue.position('b')).toBeNull();
  });

  it('takes a waiting run off the queue', () => {
    const queue = new RunQueue();
    queue.enqueue('cpu', 'a');
    queue.enqueue('cpu', 'b');
    expect(queue.remove('a')).toBe(true);
    expect(queue.remove('a')).toBe(false);
    expect(queue.next('cpu')).toBe('b');
  });

  it('resolves auto to the device the runtime would pick', () => {
    const none = { cuda: { available: false, version: null, devices: [] }, mps: false };
    const gpu = { cuda: { available: true, version: '12.4', devices: ['RTX 4090'] }, mps: false };
    expect(queueDeviceFor('auto', none)).toBe('cpu');
    expect(queueDeviceFor('auto', { ...none, mps: true })).toBe('mps');
    expect(queueDeviceFor('auto', gpu)).toBe('cuda:0');
    expect(queueDeviceFor('cuda', gpu)).toBe('cuda:0');
    expect(queueDeviceFor('cuda:1', gpu)).toBe('cuda:1');
  });
});

describe('StepEta', () => {
  it('projects the recent pace, and forgets it across a pause', () => {
    const eta = new StepEta();
    expect(eta.secondsLeft(100)).toBeNull();
    eta.addStep(10, 1000);
    eta.addStep(20, 1005); // 0.5 s a step
    expect(eta.secondsLeft(100)).toBe(40);
    eta.reset();
    eta.addStep(21, 2000);
    expect(eta.secondsLeft(100)).toBeNull();
  });
});

describe('speedFrom', () => {
  it('keeps the first step in the start-up and times the steps after it', () => {
    const speed = speedFrom(0, [{ at: 3000, tokens: 100 }, { at: 3500, tokens: 100 }, { at: 4000, tokens: 100 }, { at: 4500, tokens: 100 }], 101);
    expect(speed).toEqual({ startupSeconds: 3, secondsPerStep: 0.5, tokensPerSecond: 200, estimatedSeconds: 53 });
  });
});
