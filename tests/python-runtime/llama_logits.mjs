// llama.cpp's logits at every position of a prompt, for the training runtime's parity test
// (tests/python-runtime/test_model_parity.py).
//
// Usage: node tests/python-runtime/llama_logits.mjs [--exact] MODEL.gguf '[257, 117, ...]' ['[...]' ...]
//
// Prints one JSON line per token array: an array with one entry per position, each the full
// logit row (indexed by token id) llama.cpp computes after that position. Every array is
// evaluated from position 0 in a cleared sequence, so several prompts cost one model load.
//
// By default the context is what a chat gets (llama.cpp's F16 KV cache, flash attention
// "auto"): K and V are rounded to fp16, so logits move by ~1e-3. `--exact` keeps the KV cache
// in F32 and turns flash attention off (it casts K/V to F16 itself), leaving only float32
// round-off between llama.cpp and a correct float32 reimplementation.
//
// node-llama-cpp 3.x, CPU build, never built here; threads as llama_threads.mjs picks them.
import { getLlama } from 'node-llama-cpp';
import { testThreads } from './llama_threads.mjs';

const args = process.argv.slice(2);
const exact = args[0] === '--exact';
const [modelPath, ...tokenArgs] = exact ? args.slice(1) : args;
if (modelPath === undefined || tokenArgs.length === 0) {
  console.error('usage: node llama_logits.mjs [--exact] MODEL.gguf TOKEN_IDS_JSON [TOKEN_IDS_JSON ...]');
  process.exit(2);
}
const prompts = tokenArgs.map((text) => {
  const ids = JSON.parse(text);
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => Number.isInteger(id) && id >= 0)) {
    console.error(`not a non-empty JSON array of token ids: ${text}`);
    process.exit(2);
  }
  return ids;
});

const log = [];
const llama = await getLlama({ gpu: false, build: 'never', logger: (level, message) => log.push(`[${level}] ${message}`) });
try {
  let model;
  try {
    model = await llama.loadModel({ modelPath });
  } catch (error) {
    // node-llama-cpp only says "Failed to load model"; the cause is in llama.cpp's log.
    throw new Error(`${String(error)}\nllama.cpp log:\n${log.join('')}`, { cause: error });
  }
  const longest = Math.max(...prompts.map((ids) => ids.length));
  const exactOptions = { experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32', flashAttention: false };
  const context = await model.createContext({
    // Room to spare: a sequence that fills its context is shifted (its first tokens dropped)
    // before the last token is evaluated, and the last logits would then differ.
    contextSize: longest + 64,
    threads: testThreads(modelPath),
    ...(exact ? exactOptions : {}),
  });
  try {
    const sequence = context.getSequence();
    for (const ids of prompts) {
      await sequence.clearHistory();
      const output = await sequence.controlledEvaluate(ids.map((id) => [id, { generateNext: { logits: true } }]));
      const rows = ids.map((_, position) => {
        const logits = output[position]?.next.logits;
        if (logits === undefined) throw new Error(`llama.cpp returned no logits for position ${position}`);
        // The map holds every token of the vocabulary, sorted by logit; put it in id order.
        return Array.from({ length: logits.size }, (_, token) => logits.get(token) ?? null);
      });
      process.stdout.write(`${JSON.stringify(rows)}\n`);
    }
  } finally {
    await context.dispose();
    await model.dispose();
  }
} finally {
  await llama.dispose();
}
