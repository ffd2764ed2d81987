// llama.cpp's logits at every position of a prompt for a base model plus LoRA adapters, for
// the training runtime's adapter tests (tests/python-runtime/test_adapters.py).
//
// Usage: node tests/python-runtime/llama_lora_logits.mjs [--exact] MODEL.gguf CONTEXTS_JSON TOKEN_IDS_JSON [...]
//
// CONTEXTS_JSON is an array with one entry per context to compare, each the list of adapters
// that context gets, as node-llama-cpp takes them (`createContext({ lora: { adapters } })`):
// '[[], [{"filePath": "a.gguf", "scale": 1}], [{"filePath": "a.gguf", "scale": 0.5}]]' is
// the base model, then the adapter at strength 1, then at 0.5. For each context in order, then
// each token array in order, prints one JSON line: an array with one entry per position, each
// the full logit row (indexed by token id) llama.cpp computes after that position. An adapter
// file is loaded once per model, however many contexts use it.
//
// `--exact` keeps the KV cache in F32 and turns flash attention off, as llama_logits.mjs does.
// A file llama.cpp refuses fails with llama.cpp's own log: node-llama-cpp only says "Failed".
// node-llama-cpp 3.x, CPU build, never built here; threads as llama_threads.mjs picks them.
import { getLlama } from 'node-llama-cpp';
import { testThreads } from './llama_threads.mjs';

const args = process.argv.slice(2);
const exact = args[0] === '--exact';
const [modelPath, contextsText, ...tokenArgs] = exact ? args.slice(1) : args;
function usage(problem) {
  console.error(problem);
  console.error('usage: node llama_lora_logits.mjs [--exact] MODEL.gguf CONTEXTS_JSON TOKEN_IDS_JSON [...]');
  process.exit(2);
}
if (modelPath === undefined || contextsText === undefined || tokenArgs.length === 0) usage('missing arguments');
const isAdapter = (a) => typeof a === 'object' && a !== null && typeof a.filePath === 'string' && Number.isFinite(a.scale ?? 1);
const contexts = JSON.parse(contextsText);
if (!Array.isArray(contexts) || contexts.length === 0 || !contexts.every((c) => Array.isArray(c) && c.every(isAdapter))) {
  usage(`not a non-empty JSON array of adapter lists ([{"filePath": ..., "scale": ...}, ...]): ${contextsText}`);
}
const prompts = tokenArgs.map((text) => {
  const ids = JSON.parse(text);
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => Number.isInteger(id) && id >= 0)) {
    usage(`not a non-empty JSON array of token ids: ${text}`);
  }
  return ids;
});

const log = [];
const llama = await getLlama({ gpu: false, build: 'never', logger: (level, message) => log.push(`[${level}] ${message}`) });
// node-llama-cpp's errors say only that loading failed; the cause is in llama.cpp's log.
const withLog = (error) => new Error(`${String(error)}\nllama.cpp log:\n${log.join('')}`, { cause: error });
try {
  let model;
  try {
    model = await llama.loadModel({ modelPath });
  } catch (error) {
    throw withLog(error);
  }
  const longest = Math.max(...prompts.map((ids) => ids.length));
  const exactOptions = { experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32', flashAttention: false };
  try {
    for (const adapters of contexts) {
      let context;
      try {
        context = await model.createContext({
          contextSize: longest + 64, // room to spare: a full context would be shifted
          threads: testThreads(modelPath),
          ...(adapters.length === 0 ? {} : { lora: { adapters } }),
          ...(exact ? exactOptions : {}),
        });
      } catch (error) {
        throw withLog(error);
      }
      try {
        const sequence = context.getSequence();
        for (const ids of prompts) {
          await sequence.clearHistory();
          const output = await sequence.controlledEvaluate(ids.map((id) => [id, { generateNext: { logits: true } }]));
          const rows = ids.map((_, position) => {
            const logits = output[position]?.next.logits;
            if (logits === undefined) throw new Error(`llama.cpp returned no logits for position ${position}`);
            // The map holds every token, sorted by logit; put it in id order.
            return Array.from({ length: logits.size }, (_, token) => logits.get(token) ?? null);
          });
          process.stdout.write(`${JSON.stringify(rows)}\n`);
        }
      } finally {
        await context.dispose();
      }
    }
  } finally {
    await model.dispose();
  }
} finally {
  await llama.dispose();
}
