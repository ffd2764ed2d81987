/**
 * The Python runtime's demo models run in real llama.cpp (node-llama-cpp, CPU build): this is
 * the check that our GGUF writer, tensor layout and tokenizer metadata are what llama.cpp
 * expects. When a load fails, node-llama-cpp only says "Failed to load model"; the cause is
 * in llama.cpp's log, which these tests capture and attach to the error.
 */
import { availableParallelism } from 'node:os';
import { getLlama, type ControlledEvaluateInputItem, type Llama, type LlamaContext, type LlamaModel, type Token } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_VOCAB, makeDemoModel, type DemoArch, type DemoModelOptions } from '../helpers/demo-model';

// Oversubscribed threads make llama.cpp hundreds of times slower (DESIGN §2); two is within
// the cores of any test machine and plenty for models this small.
const THREADS = Math.min(2, availableParallelism());
const SETUP_TIMEOUT_MS = 180_000;

let llama: Llama;
const log: string[] = [];

beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: 'never', logger: (level, message) => log.push(`[${level}] ${message}`) });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await llama?.dispose();
});

/** Loads a model, adding llama.cpp's log to the error when it fails. */
async function load(path: string): Promise<LlamaModel> {
  const from = log.length;
  try {
    return await llama.loadModel({ modelPath: path });
  } catch (error) {
    throw new Error(`${String(error)}\nllama.cpp log:\n${log.slice(from).join('')}`, { cause: error });
  }
}

async function loadDemo(options: DemoModelOptions): Promise<LlamaModel> {
  return load(await makeDemoModel(options));
}

/** Greedy continuation of `prompt`, `count` tokens long, in a fresh sequence. */
async function greedy(context: LlamaContext, prompt: Token[], count: number): Promise<Token[]> {
  const sequence = context.getSequence();
  try {
    const generated: Token[] = [];
    for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
      generated.push(token);
      if (generated.length === count) break;
    }
    return generated;
  } finally {
    sequence.dispose();
  }
}

/** llama.cpp's next-token logits after `prompt`, indexed by token id. */
async function nextLogits(model: LlamaModel, prompt: Token[]): Promise<number[]> {
  const context = await model.createContext({ contextSize: 128, threads: THREADS });
  try {
    const sequence = context.getSequence();
    const last = prompt.length - 1;
    const input: ControlledEvaluateInputItem[] = prompt.map((token, index) =>
      index === last ? [token, { generateNext: { logits: true } }] : token,
    );
    const output = await sequence.controlledEvaluate(input);
    const logits = output[last]?.next.logits;
    if (logits === undefined) throw new Error('llama.cpp returned no logits');
    return Array.from({ length: DEMO_VOCAB.size }, (_, token) => logits.get(token as Token) ?? Number.NaN);
  } finally {
    await context.dispose();
  }
}

function maxAbsDifference(a: number[], b: number[]): number {
  return a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - (b[index] ?? Number.NaN))), 0);
}

const utf8 = (text: string): number[] => [...Buffer.from(text, 'utf8')];

describe.each<DemoArch>(['llama', 'qwen2'])('demo %s model in node-llama-cpp', (arch) => {
  let model: LlamaModel;

  beforeAll(async () => {
    model = await loadDemo({ arch, dtype: 'f32' });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await model?.dispose();
  });

  it('exposes the metadata it was written with, chat template included', () => {
    const metadata = model.fileInfo.metadata;
    expect(metadata.general.architecture).toBe(arch);
    expect(metadata.general.name).toBe(`Lathe demo ${arch} tiny`);
    expect(metadata.tokenizer.chat_template).toContain("'<|im_start|>' + message['role']");
    expect(model.trainContextSize).toBe(512);
    expect(model.tokens.bos).toBe(DEMO_VOCAB.endOfText);
    expect(model.tokens.eos).toBe(DEMO_VOCAB.imEnd);
  });

  it('parses control tokens only when asked to', () => {
    expect(model.tokenize('<|im_start|>', true)).toEqual([DEMO_VOCAB.imStart]);
    expect(model.tokenize('<|im_end|>', true)).toEqual([DEMO_VOCAB.imEnd]);
    expect(model.tokenize('<|im_start|>', false)).toEqual(utf8('<|im_start|>'));
  });

  it('tokenizes text to its UTF-8 bytes and back without loss', () => {
    expect(model.tokenize('héllo')).toEqual(utf8('héllo'));
    // " ." and " 's" are what llama.cpp's space clean-up would rewrite with the gpt-2
    // pre-tokenizer; control characters and 4-byte characters test the byte mapping.
    const text = "a . b 's\n\t\u0000\u007f ü€😀";
    const tokens = model.tokenize(text);
    expect(tokens).toEqual(utf8(text));
    expect(model.detokenize(tokens)).toBe(text);
  });

  it('generates the same tokens greedily every time', async () => {
    const context = await model.createContext({ contextSize: 128, threads: THREADS });
    try {
      const prompt = model.tokenize('<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n', true);
      const first = await greedy(context, prompt, 8);
      const second = await greedy(context, prompt, 8);
      expect(first).toHaveLength(8);
      expect(second).toEqual(first);
      for (const token of first) expect(token).toBeLessThan(DEMO_VOCAB.size);
    } finally {
      await context.dispose();
    }
  });

  it('computes with the written weights: f16 matches f32, another seed does not', async () => {
    const prompt = model.tokenize('<|im_start|>user\nThe quick brown fox<|im_end|>\n', true);
    const f32 = await nextLogits(model, prompt);
    const f16Model = await loadDemo({ arch, dtype: 'f16' });
    const otherSeedModel = await loadDemo({ arch, dtype: 'f32', seed: 1 });
    try {
      const f16 = await nextLogits(f16Model, prompt);
      const otherSeed = await nextLogits(otherSeedModel, prompt);
      const spread = Math.max(...f32) - Math.min(...f32);
      expect(spread).toBeGreaterThan(0.1);
      // fp16 weights round at 2^-11 relative: the logits move by a tiny fraction of their
      // spread (measured: ~2e-4 of ~1), while other weights move them by more than half.
      expect(maxAbsDifference(f16, f32)).toBeLessThan(0.005 * spread);
      expect(maxAbsDifference(otherSeed, f32)).toBeGreaterThan(0.2 * spread);
    } finally {
      await f16Model.dispose();
      await otherSeedModel.dispose();
    }
  });
});
