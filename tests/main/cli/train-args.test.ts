/** `lathe train`'s arguments: what each form means, and every bad input as a usage error. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src-main/cli/args';
import { parseTrainArgs, SETTING_KEYS } from '../../../src-main/cli/train-args';

const base = ['--model', 'm.gguf', '--dataset', 'd.jsonl'];

describe('parseTrainArgs', () => {
  it('defaults: quick preset, no overrides, no --out, no --json', () => {
    expect(parseTrainArgs(base)).toEqual({ model: 'm.gguf', dataset: 'd.jsonl', preset: 'quick', settings: {}, out: null, json: false });
  });

  it.each([
    [['--preset', 'thorough'], { preset: 'thorough' }],
    [['--preset=balanced'], { preset: 'balanced' }],
    [['--steps', '40'], { settings: { steps: 40 } }],
    [['--out', 'adapters', '--json'], { out: 'adapters', json: true }],
    [['--set', 'lora.rank=8'], { settings: { lora: { rank: 8 } } }],
    [['--set', 'lora.rank=8', '--set', 'lora.alpha=16'], { settings: { lora: { rank: 8, alpha: 16 } } }],
    [['--set', 'optimizer.lr=3e-3'], { settings: { optimizer: { lr: 0.003 } } }],
    [['--set=microBatchSize=2'], { settings: { microBatchSize: 2 } }],
    [['--set', 'lora.targets=q,v'], { settings: { lora: { targets: ['q', 'v'] } } }],
    [['--set', 'lora.targets= q , v ,q'], { settings: { lora: { targets: ['q', 'v'] } } }],
    [['--set', 'precision=fp32'], { settings: { precision: 'fp32' } }],
    [['--set', 'gradientCheckpointing=true', '--set', 'packing=off'], { settings: { gradientCheckpointing: true, packing: false } }],
    [['--set', 'maxGradNorm=none'], { settings: { maxGradNorm: null } }],
    [['--set', 'schedule.kind=constant', '--set', 'schedule.warmupSteps=5'], { settings: { schedule: { kind: 'constant', warmupSteps: 5 } } }],
    [['--set', 'device=cuda:1'], { settings: { device: 'cuda:1' } }],
    [['--set', 'steps=10', '--steps', '20'], { settings: { steps: 20 } }],
    [['--set', 'epochs=1.5'], { settings: { epochs: 1.5 } }],
  ])('%j', (extra, expected) => {
    expect(parseTrainArgs([...base, ...extra])).toMatchObject(expected);
  });

  it.each([
    [[], '--model and --dataset are required'],
    [['--model', 'm.gguf'], '--model and --dataset are required'],
    [[...base, 'extra'], 'Unexpected argument "extra"'],
    [[...base, '--colour'], 'Unknown option --colour'],
    [[...base, '--model'], '--model needs a value'],
    [[...base, '--json=yes'], '--json takes no value'],
    [[...base, '--preset', 'fast'], '--preset must be one of quick, balanced, thorough'],
    [[...base, '--steps', 'ten'], '--set steps: expected a whole number'],
    [[...base, '--steps', '2.5'], '--set steps: expected a whole number'],
    [[...base, '--steps', '0'], '--set steps:'],
    [[...base, '--set'], '--set needs key=value'],
    [[...base, '--set', '--json'], '--set needs key=value'],
    [[...base, '--set', 'lora.rank'], '--set takes key=value'],
    [[...base, '--set', '=8'], '--set takes key=value'],
    [[...base, '--set', 'lora.rnak=8'], 'Unknown setting "lora.rnak". Valid keys: lora.rank, lora.alpha'],
    [[...base, '--set', 'rank=8'], 'Unknown setting "rank"'],
    [[...base, '--set', 'lora.rank=eight'], '--set lora.rank: expected a whole number'],
    [[...base, '--set', 'lora.rank='], '--set lora.rank: expected a whole number'],
    [[...base, '--set', 'lora.rank=0'], '--set lora.rank:'],
    [[...base, '--set', 'optimizer.lr=fast'], '--set optimizer.lr: expected a number'],
    [[...base, '--set', 'optimizer.lr=-1'], '--set optimizer.lr:'],
    [[...base, '--set', 'optimizer.lr=Infinity'], '--set optimizer.lr: expected a number'],
    [[...base, '--set', 'lora.targets=q,x'], '--set lora.targets: expected a comma-separated list of q, k, v, o, gate, up, down'],
    [[...base, '--set', 'lora.targets='], '--set lora.targets: expected a comma-separated list'],
    [[...base, '--set', 'precision=fp8'], '--set precision: expected one of auto, fp32, bf16, fp16'],
    [[...base, '--set', 'packing=maybe'], '--set packing: expected true or false'],
    [[...base, '--set', 'lora.rank=none'], '--set lora.rank: expected a whole number, not "none"'],
    [[...base, '--set', 'device=tpu'], '--set device:'],
    [[...base, '--set', 'lora.dropout=0.95'], '--set lora.dropout:'],
  ])('%j is a usage error', (argv, message) => {
    let thrown: unknown;
    try {
      parseTrainArgs(argv);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toContain(message);
  });

  it('lists every valid key when one is unknown', () => {
    expect(() => parseTrainArgs([...base, '--set', 'nope=1'])).toThrow(Object.keys(SETTING_KEYS).join(', '));
  });

  it('every key it takes is one the app accepts', () => {
    // One valid value per kind, set through --set: the contract's schema must take them all.
    const sample: Record<string, string> = { int: '32', number: '0.5', boolean: 'true', targets: 'q', string: 'cpu' };
    for (const [key, spec] of Object.entries(SETTING_KEYS)) {
      const value = Array.isArray(spec.kind) ? (spec.kind[0] as string) : (sample[spec.kind as string] as string);
      expect(() => parseTrainArgs([...base, '--set', `${key}=${value}`]), key).not.toThrow();
    }
  });
});
