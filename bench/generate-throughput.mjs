// Tokens/s of `lathe generate` (through the inference worker) against a bare node-llama-cpp
// script with the same model and settings, measured side by side in one run.
//
//   npm run build && node bench/generate-throughput.mjs [--size tiny|small] [--tokens N] [--rounds N]
//
// Both sides count the decoding rate the same way: tokens after the first, divided by the
// time from the first token to the last. Rounds alternate so drift affects both equally.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, LlamaCompletion } from 'node-llama-cpp';

const { values } = parseArgs({ options: { size: { type: 'string', default: 'small' }, tokens: { type: 'string', default: '256' }, rounds: { type: 'string', default: '5' } } });
const maxTokens = Number(values.tokens);
const rounds = Number(values.rounds);
// The worker uses physical cores; on the machines this runs on that equals availableParallelism.
const threads = availableParallelism();
const dataDir = mkdtempSync(join(tmpdir(), 'lathe-bench-'));
const modelPath = join(dataDir, `demo-llama-${values.size}.gguf`);
const prompt = 'The quick brown fox';

execFileSync(process.execPath, ['bin/lathe.js', 'model', 'make-demo', '--out', modelPath, '--size', values.size, '--dtype', 'f16'], { stdio: 'ignore' });

const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
// The worker caps the context at the model's training length; the same here.
const context = await model.createContext({ contextSize: Math.min(2048, model.trainContextSize), threads });

async function bare() {
  const sequence = context.getSequence();
  try {
    const completion = new LlamaCompletion({ contextSequence: sequence });
    let first = null;
    let tokens = 0;
    await completion.generateCompletionWithMeta(prompt, { maxTokens, temperature: 0, onToken: (t) => { first ??= performance.now(); tokens += t.length; } });
    return (tokens - 1) / ((performance.now() - first) / 1000);
  } finally {
    sequence.dispose();
  }
}

function throughWorker() {
  const out = execFileSync(process.execPath, ['bin/lathe.js', 'generate', '--model', modelPath, '--prompt', prompt, '--max-tokens', String(maxTokens), '--temperature', '0', '--json'], {
    encoding: 'utf8',
    env: { ...process.env, LATHE_DATA_DIR: dataDir },
  });
  return JSON.parse(out.trim().split('\n').pop()).tokensPerSecond;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bareRates = [];
const workerRates = [];
await bare(); // warm-up: first evaluation pays one-time allocations
for (let i = 0; i < rounds; i++) {
  bareRates.push(await bare());
  workerRates.push(throughWorker());
}
const b = median(bareRates);
const w = median(workerRates);
console.log(`model: demo llama ${values.size} f16, ${maxTokens} tokens, ${threads} threads, ${rounds} rounds (medians)`);
console.log(`bare node-llama-cpp   ${b.toFixed(1)} tokens/s`);
console.log(`lathe generate        ${w.toFixed(1)} tokens/s`);
console.log(`ratio (lathe / bare)  ${(w / b).toFixed(3)}   target ≥ 0.95`);
await llama.dispose();
