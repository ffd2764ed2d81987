// Greedy answers from llama.cpp, with or without a LoRA adapter, for the training runtime's
// memorization test (tests/python-runtime/test_train_memorization.py).
//
// Usage: node tests/python-runtime/llama_answer.mjs MODEL.gguf ADAPTER.gguf|none '["prompt", ...]' [MAX_TOKENS]
//
// Each prompt is text with special tokens spelled out (`<|im_start|>user\n…`), tokenized by
// the model's own tokenizer with special tokens parsed. Generation is greedy (temperature 0)
// and ends at an end-of-generation token (`<|im_end|>`) or after MAX_TOKENS (default 64).
// Prints one JSON line: an array with each prompt's completion, the end token left out.
//
// node-llama-cpp 3.x, CPU build, never built here; threads as llama_threads.mjs picks them.
import { getLlama } from 'node-llama-cpp';
import { testThreads } from './llama_threads.mjs';

const [modelPath, adapterPath, promptsJson, maxTokensText = '64'] = process.argv.slice(2);
if (modelPath === undefined || adapterPath === undefined || promptsJson === undefined) {
  console.error("usage: node llama_answer.mjs MODEL.gguf ADAPTER.gguf|none '[\"prompt\", ...]' [MAX_TOKENS]");
  process.exit(2);
}
const prompts = JSON.parse(promptsJson);
if (!Array.isArray(prompts) || !prompts.every((prompt) => typeof prompt === 'string')) {
  console.error(`not a JSON array of strings: ${promptsJson}`);
  process.exit(2);
}
const maxTokens = Number(maxTokensText);

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
  let context;
  try {
    context = await model.createContext({
      contextSize: 512,
      threads: testThreads(modelPath),
      ...(adapterPath === 'none' ? {} : { lora: { adapters: [{ filePath: adapterPath }] } }),
    });
  } catch (error) {
    throw new Error(`${String(error)}\nllama.cpp log:\n${log.join('')}`, { cause: error });
  }
  try {
    const sequence = context.getSequence();
    const answers = [];
    for (const prompt of prompts) {
      await sequence.clearHistory();
      const generated = [];
      for await (const token of sequence.evaluate(model.tokenize(prompt, true), { temperature: 0 })) {
        if (model.isEogToken(token)) break;
        generated.push(token);
        if (generated.length >= maxTokens) break;
      }
      answers.push(model.detokenize(generated));
    }
    process.stdout.write(`${JSON.stringify(answers)}\n`);
  } finally {
    await context.dispose();
    await model.dispose();
  }
} finally {
  await llama.dispose();
}
