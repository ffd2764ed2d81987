// Chat through the app's path against a bare node-llama-cpp script, measured side by side in
// one run: tokens/s and time to first token of `playground.chat` over `lathe serve`'s
// WebSocket (as the UI in a browser uses it: the web transport, the Playground service, the
// catalog, the inference worker) and of the same model, prompt and threads in this process.
//
//   npm run build && node bench/chat-latency.mjs [--tokens N] [--rounds N] [--port P]
//
// The model is the 20.7M-parameter llama of bench/train_throughput.py (512 x 6, F32, 83 MB),
// big enough that a token costs milliseconds of arithmetic rather than overheads, and above
// the size where the worker uses every core (src-main/inference/context-threads.ts). Both
// sides render the prompt with the model's chat template, decode greedily with no repeat
// penalty, and count alike: time to first token from the request to the first token seen
// (the app's side at the WebSocket client), tokens/s as the tokens after the first divided by
// the time from the first token to the last. Rounds alternate so drift affects both equally.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, JinjaTemplateChatWrapper, LlamaCompletion } from 'node-llama-cpp';
import WebSocket from 'ws';

const { values } = parseArgs({ options: { tokens: { type: 'string', default: '256' }, rounds: { type: 'string', default: '7' }, port: { type: 'string', default: '7871' } } });
const maxTokens = Number(values.tokens);
const rounds = Number(values.rounds);
const work = mkdtempSync(join(tmpdir(), 'lathe-chat-bench-'));
const modelPath = join(work, 'bench-20m.gguf');
const question = 'Write a long story about a lighthouse keeper and the sea.';
const token = 'bench-token';
const loadBefore = loadavg()[0];

execFileSync('/usr/bin/python3', ['-c', `import sys; from pathlib import Path; sys.path[:0] = ['bench']; from train_throughput import write_model; write_model(Path(sys.argv[1]))`, modelPath], { stdio: 'inherit' });

// --- the app: lathe serve, driven over its WebSocket --------------------------------------
const server = spawn(process.execPath, ['bin/lathe.js', 'serve', '--port', values.port], { env: { ...process.env, LATHE_DATA_DIR: join(work, 'data'), LATHE_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  server.stdout.on('data', (chunk) => String(chunk).includes('serving at') && resolve());
  server.on('exit', (code) => reject(new Error(`lathe serve exited with ${code}`)));
});
const socket = new WebSocket(`ws://127.0.0.1:${values.port}/ws?token=${token}`);
await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
let nextId = 1;
const waiting = new Map();
socket.on('message', (raw) => {
  const message = JSON.parse(String(raw));
  waiting.get(message.id)?.(message);
});
function call(name, input) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, (message) => {
      waiting.delete(id);
      if (message.ok) resolve(message.value);
      else reject(new Error(message.error.message));
    });
    socket.send(JSON.stringify({ t: 'call', id, name, input }));
  });
}
/** One turn; resolves to the client-side timings. */
function chat(input) {
  const id = nextId++;
  const sent = performance.now();
  let first = null;
  let last = null;
  return new Promise((resolve, reject) => {
    waiting.set(id, (message) => {
      if (message.t === 'end') return reject(new Error(message.error?.message ?? 'stream ended'));
      const event = message.data;
      if (event.type === 'token') {
        last = performance.now();
        first ??= last;
      } else if (event.type === 'error') reject(new Error(event.message));
      else if (event.type === 'done') {
        waiting.delete(id);
        socket.send(JSON.stringify({ t: 'unsub', id }));
        resolve({ ttft: first - sent, rate: (event.stats.tokens - 1) / ((last - first) / 1000), tokens: event.stats.tokens, text: event.message.content });
      }
    });
    socket.send(JSON.stringify({ t: 'sub', id, name: 'playground.chat', input }));
  });
}

const hardware = await call('system.hardware', {});
// The worker's rule (chooseThreads): physical cores, bounded by the logical count.
const threads = Math.max(1, Math.min(hardware.cpu.physicalCores, hardware.cpu.logicalCores));
const { added } = await call('models.addPaths', { paths: [modelPath] });
const sampling = { temperature: 0, repeatPenalty: 1, maxTokens, seed: 1 };
const conversation = await call('playground.createConversation', { modelId: added[0].id, panes: [{ adapter: { kind: 'none' } }], systemPrompt: '', sampling });
let turns = 0;
const throughApp = () => chat({ conversationId: conversation.id, content: turns++ === 0 ? question : '', mode: turns === 1 ? 'send' : 'regenerate' });

// --- bare node-llama-cpp, same model, prompt, threads and context size --------------------
const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false });
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const context = await model.createContext({ contextSize: Math.min(2048, model.trainContextSize), threads });
const wrapper = new JinjaTemplateChatWrapper({ template: model.fileInfo.metadata.tokenizer.chat_template });
async function bare() {
  const started = performance.now();
  const state = wrapper.generateContextState({ chatHistory: [{ type: 'user', text: question }, { type: 'model', response: [] }] });
  const prompt = state.contextText.tokenize(model.tokenizer);
  const sequence = context.getSequence();
  try {
    let first = null;
    let last = null;
    let tokens = 0;
    const response = await new LlamaCompletion({ contextSequence: sequence }).generateCompletionWithMeta(prompt, {
      maxTokens,
      temperature: 0,
      repeatPenalty: false,
      customStopTriggers: state.stopGenerationTriggers,
      onToken: (generated) => {
        last = performance.now();
        first ??= last;
        tokens += generated.length;
      },
    });
    return { ttft: first - started, rate: (tokens - 1) / ((last - first) / 1000), tokens, text: response.response };
  } finally {
    sequence.dispose();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bareRuns = [];
const appRuns = [];
// Warm-up on both sides: first evaluations pay one-time allocations (and the worker its model load).
await bare();
await throughApp();
for (let i = 0; i < rounds; i++) {
  bareRuns.push(await bare());
  appRuns.push(await throughApp());
}
const loadAfter = loadavg()[0];
const same = appRuns.every((run) => run.text === bareRuns[0].text);
const b = { rate: median(bareRuns.map((r) => r.rate)), ttft: median(bareRuns.map((r) => r.ttft)) };
const a = { rate: median(appRuns.map((r) => r.rate)), ttft: median(appRuns.map((r) => r.ttft)) };
console.log(`model: llama 512 x 6 (20.7M parameters, F32), ${bareRuns[0].tokens} tokens greedy, ${threads} threads, ${rounds} alternating rounds (medians); load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
console.log(`same text both ways: ${same}`);
console.log(`bare node-llama-cpp                     ${b.rate.toFixed(1).padStart(7)} tokens/s   first token ${b.ttft.toFixed(1).padStart(6)} ms`);
console.log(`playground.chat over lathe serve's WS   ${a.rate.toFixed(1).padStart(7)} tokens/s   first token ${a.ttft.toFixed(1).padStart(6)} ms`);
console.log(`ratio (app / bare) ${(a.rate / b.rate).toFixed(3)}   target ≥ 0.95`);
console.log(`added first-token latency ${(a.ttft - b.ttft).toFixed(1)} ms   target ≤ 15 ms`);
// On shared cores llama.cpp's spinning threads lose whole rounds to other work; each side's
// best round is its cost when it had the cores, the fairest pair when the load swings.
const best = (runs) => ({ rate: Math.max(...runs.map((r) => r.rate)), ttft: Math.min(...runs.map((r) => r.ttft)) });
const [bb, ab] = [best(bareRuns), best(appRuns)];
console.log(`best rounds: bare ${bb.rate.toFixed(1)} tokens/s, ${bb.ttft.toFixed(1)} ms; app ${ab.rate.toFixed(1)} tokens/s, ${ab.ttft.toFixed(1)} ms; ratio ${(ab.rate / bb.rate).toFixed(3)}, added first-token latency ${(ab.ttft - bb.ttft).toFixed(1)} ms`);
console.log(`per round (bare / app tokens/s): ${bareRuns.map((r, i) => `${r.rate.toFixed(0)}/${appRuns[i].rate.toFixed(0)}`).join(' ')}`);
console.log(`per round (bare / app first token ms): ${bareRuns.map((r, i) => `${r.ttft.toFixed(0)}/${appRuns[i].ttft.toFixed(0)}`).join(' ')}`);
socket.close();
server.kill('SIGTERM');
await llama.dispose();
