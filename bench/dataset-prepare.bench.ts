/**
 * How fast preparing a dataset is next to tokenizing alone. A generated chat JSONL (100 MB
 * by default: multi-turn `messages` conversations of made-up prose) is prepared for a demo
 * model with `prepareDataset`, rows read by the readers' own `readDatasetRows` — the whole
 * path: read + parse + map rows (main process), render with the chat template, tokenize,
 * mask, dedupe, split and write (worker process). Beside it, a bare loop in one process reads
 * the same file, parses each line and only tokenizes every message's text with node-llama-cpp
 * (vocabulary only). Target: preparing keeps at least half the bare loop's rate.
 *
 * Run: npx vitest run --config bench/vitest.config.ts dataset-prepare
 *      SIZE_MB=20 … for a quicker run. Prints; asserts nothing about time.
 * The bare loop runs before and after; preparing runs with the default number of workers
 * (`defaultWorkerCount`: two on a two-core machine) and with one. Peak memory: the main process's and the
 * largest worker's resident set, and CPU seconds, sampled (Linux /proc).
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fork } from 'node:child_process';
import { getLlama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDatasetRows } from '../src-main/datasets/inspect-dataset';
import { defaultWorkerCount, prepareDataset } from '../src-main/datasets/prepare';
import buildIfStale from '../tests/main/build-if-stale';
import { makeDemoModel } from '../tests/main/helpers/demo-model';

const SIZE_MB = Number(process.env.SIZE_MB ?? 100);
const workerPath = new URL('../out/main/dataset-prepare-worker.js', import.meta.url).pathname;

/** Writes about `bytes` of JSONL conversations; deterministic. */
async function writeChatJsonl(path: string, bytes: number): Promise<number> {
  const words = 'the of and to in is that it for on was with as by at from model data token train learn local reply question answer small large fast slow river mountain city garden'.split(' ');
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const sentence = (length: number): string => Array.from({ length }, () => words[Math.floor(next() * words.length)]).join(' ') + '.';
  const out = createWriteStream(path);
  let written = 0;
  let rows = 0;
  while (written < bytes) {
    const messages = next() < 0.5 ? [{ role: 'system', content: sentence(8) }] : [];
    const turns = 1 + Math.floor(next() * 3);
    for (let turn = 0; turn < turns; turn++) {
      messages.push({ role: 'user', content: sentence(10 + Math.floor(next() * 40)) });
      messages.push({ role: 'assistant', content: Array.from({ length: 1 + Math.floor(next() * 4) }, () => sentence(10 + Math.floor(next() * 30))).join(' ') });
    }
    const line = `${JSON.stringify({ messages })}\n`;
    written += Buffer.byteLength(line);
    rows++;
    if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return rows;
}

/**
 * A process's peak resident set and CPU time (user + system), sampled every 100 ms from /proc
 * (null where there is none). CPU time shows the work done whatever else the machine runs.
 */
function sampleProcess(pid: () => number | undefined): { stop: () => { peakRss: number | null; cpuSeconds: number | null } } {
  let peakRss: number | null = null;
  let cpuSeconds: number | null = null;
  const timer = setInterval(() => {
    const id = pid();
    if (id === undefined) return;
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))?.[1]);
      if (Number.isFinite(kb)) peakRss = Math.max(peakRss ?? 0, kb * 1024);
      // Fields after the command name: state is the 1st, utime the 12th, stime the 13th (clock ticks, 100 a second).
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // Not Linux, or the process has just ended.
    }
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return { peakRss, cpuSeconds };
    },
  };
}

const cpuNow = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
const mb = (bytes: number | null): string => (bytes === null ? 'n/a' : `${(bytes / 1e6).toFixed(0)} MB`);

interface Measured {
  seconds: number;
  tokens: number;
  /** CPU seconds of this process, and of the workers (summed). */
  cpu: number;
  workersCpu: number | null;
  peakRss: number | null;
  workersPeakRss: number | null;
  note: string;
}

/** The bare loop: read, parse, tokenize each message's text with node-llama-cpp. Nothing else. */
async function bareTokenize(jsonl: string, modelPath: string): Promise<Measured> {
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false });
  const model = await llama.loadModel({ modelPath, vocabOnly: true });
  const sampler = sampleProcess(() => process.pid);
  const [at, cpuAt] = [performance.now(), cpuNow()];
  let tokens = 0;
  for await (const line of createInterface({ input: createReadStream(jsonl), crlfDelay: Infinity })) {
    const { messages } = JSON.parse(line) as { messages: { content: string }[] };
    for (const message of messages) tokens += model.tokenize(message.content, false).length;
  }
  const measured = { seconds: (performance.now() - at) / 1000, tokens, cpu: cpuNow() - cpuAt, workersCpu: null, peakRss: sampler.stop().peakRss, workersPeakRss: null, note: 'tokens of content' };
  await model.dispose();
  return measured;
}

/** The whole path: readDatasetRows → prepareDataset with `workers` worker processes. */
async function prepare(jsonl: string, modelPath: string, outDir: string, workers: number, rows: number): Promise<Measured> {
  const pids: number[] = [];
  const samplers: ReturnType<typeof sampleProcess>[] = [];
  const mainSampler = sampleProcess(() => process.pid);
  const [at, cpuAt] = [performance.now(), cpuNow()];
  const result = await prepareDataset({
    rows: readDatasetRows(jsonl, { format: 'jsonl', csv: null, textSplit: null }, { shape: 'messages', columns: { messages: 'messages' } }),
    modelPath,
    options: { maxLength: 8192, overlong: 'truncate', lossOn: 'assistant', validationPercent: 5, seed: 0, dropDuplicates: true, template: 'model' },
    outDir,
    datasetHash: 'sha256:bench',
    shape: 'messages',
    workerPath,
    workers,
    forkWorker: (path, env) => {
      const child = fork(path, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
      const pid = child.pid;
      if (pid !== undefined) {
        pids.push(pid);
        samplers.push(sampleProcess(() => pid));
      }
      return child;
    },
  });
  const seconds = (performance.now() - at) / 1000;
  const cpu = cpuNow() - cpuAt;
  const workersSeen = samplers.map((sampler) => sampler.stop());
  expect(result.examples.train + result.examples.validation + result.dropped.duplicates).toBe(rows);
  return {
    seconds,
    tokens: result.tokens.train + result.tokens.validation,
    cpu,
    workersCpu: workersSeen.reduce<number | null>((sum, seen) => (seen.cpuSeconds === null ? sum : (sum ?? 0) + seen.cpuSeconds), null),
    peakRss: mainSampler.stop().peakRss,
    workersPeakRss: workersSeen.reduce<number | null>((most, seen) => (seen.peakRss === null ? most : Math.max(most ?? 0, seen.peakRss)), null),
    note: `tokens incl. template; ${result.examples.validation.toLocaleString('en')} validation, ${result.dropped.duplicates} duplicates`,
  };
}

describe('dataset preparing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-bench-prepare-'));
  const jsonl = join(dir, 'chat.jsonl');
  let rows = 0;
  let modelPath = '';

  beforeAll(async () => {
    buildIfStale(); // the worker runs from the build
    modelPath = await makeDemoModel({ arch: 'llama', dtype: 'f32' });
    rows = await writeChatJsonl(jsonl, SIZE_MB * 1e6);
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`prepares a ${SIZE_MB} MB chat JSONL at least half as fast as tokenizing it alone`, async () => {
    const fileBytes = statSync(jsonl).size;
    const defaultWorkers = defaultWorkerCount(availableParallelism());
    // The bare loop runs before and after, so a machine that gets busier or quieter meanwhile
    // weighs on both sides alike.
    const bareBefore = await bareTokenize(jsonl, modelPath);
    const prepared = await prepare(jsonl, modelPath, join(dir, 'prepared-default'), defaultWorkers, rows);
    const preparedOne = defaultWorkers === 1 ? null : await prepare(jsonl, modelPath, join(dir, 'prepared-one'), 1, rows);
    const bareAfter = await bareTokenize(jsonl, modelPath);
    const bareSeconds = (bareBefore.seconds + bareAfter.seconds) / 2;

    const line = (label: string, run: Measured): string =>
      `  ${label.padEnd(30)} ${run.seconds.toFixed(1).padStart(6)} s  ${(fileBytes / 1e6 / run.seconds).toFixed(2)} MB/s  ${(rows / run.seconds).toFixed(0)} rows/s  ` +
      `${(run.tokens / run.seconds / 1e6).toFixed(2)} M tokens/s  ratio ${(bareSeconds / run.seconds).toFixed(2)}  ` +
      `CPU ${run.cpu.toFixed(1)} s${run.workersCpu === null ? '' : ` + workers ${run.workersCpu.toFixed(1)} s`}  peak RSS ${mb(run.peakRss)}${run.workersPeakRss === null ? '' : ` + worker ${mb(run.workersPeakRss)}`}  (${run.tokens.toLocaleString('en')} ${run.note})`;
    console.log(
      [
        `Dataset preparing: ${mb(fileBytes)} JSONL, ${rows.toLocaleString('en')} conversations, demo llama tokenizer (byte-level), ChatML template; ${process.platform} ${process.arch}, ${availableParallelism()} cores, load ${loadavg()[0]?.toFixed(1)}`,
        line('bare tokenize (before)', bareBefore),
        line('bare tokenize (after)', bareAfter),
        line(`prepareDataset, ${defaultWorkers} worker${defaultWorkers === 1 ? '' : 's'} (default)`, prepared),
        ...(preparedOne === null ? [] : [line('prepareDataset, 1 worker', preparedOne)]),
        `  ratio = bare seconds (mean of before/after) / prepare seconds; target >= 0.5`,
      ].join('\n'),
    );
  }, 3_600_000);
});
