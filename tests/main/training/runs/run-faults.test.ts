/**
 * Faults of issue 6, each for real: the runtime SIGKILLed mid-run; a full disk while
 * checkpointing (a real file-size limit through `prlimit`); and the main process (`lathe serve`
 * driven over its WebSocket) SIGKILLed mid-run, then a fresh service on the same data folder.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail, RunEntry } from '../../../../src-main/contract';
import { checkTrainer } from '../../../../src-main/training/runs/orphan-trainer';
import { eventsOf, python, runFixture, waitFor, waitForRun, type RunFixture } from './run-fixture';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** A file-size limit for the next trainers (bytes), or null for none. */
let fileSizeLimit: number | null = null;

function limitedSpawn(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  if (fileSizeLimit === null) return spawn(command, [...args], options);
  // No .pyc writes: a module compiled under the limit would be cut short before the runtime ignores SIGXFSZ.
  const env = { ...options.env, PYTHONDONTWRITEBYTECODE: '1' };
  return spawn('prlimit', [`--fsize=${fileSizeLimit}`, '--', command, ...args], { ...options, env });
}

/** Real training on two shared cores: generous, though each test trains for seconds when alone. */
const TRAINING_TIMEOUT = 120_000;

let f: RunFixture;
beforeAll(async () => {
  f = await runFixture({ spawn: limitedSpawn });
}, 60_000);
afterAll(async () => {
  await f?.close();
});

const trainerPid = (run: RunEntry): number => eventsOf(run.dir).filter((line) => line.event === 'launched').at(-1)!.pid as number;

describe('training faults', () => {
  it('a runtime killed mid-run fails as crashed with its log tail, and resumes from its checkpoint', async () => {
    const { id } = await f.runs.startRun(f.request({ steps: 100, checkpointEvery: 5, evalEvery: 0 }));
    const running = await waitForRun(f.runs, id, (run) => run.status === 'running' && (run.lastCheckpoint?.step ?? 0) >= 5, 'to checkpoint');
    process.kill(trainerPid(running), 'SIGKILL');
    const failed = await f.runs.whenSettled(id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.kind).toBe('crashed');
    expect(failed.error?.message).toMatch(/SIGKILL/);
    expect(failed.error?.logTail.length).toBeGreaterThan(0);
    expect(failed.error?.logTail.length).toBeLessThanOrEqual(50);
    expect(failed.error?.logTail.join('\n')).toMatch(/step \d+\/100/);
    expect(failed.resumable).toBe(true);
    expect(failed.lastCheckpoint!.step).toBeGreaterThanOrEqual(5);

    const done = await f.runs.resume(id).then(() => f.runs.whenSettled(id));
    expect(done).toMatchObject({ status: 'completed', step: 100, error: null });
  }, TRAINING_TIMEOUT);

  it('a full disk while checkpointing fails as disk_full, keeps the earlier checkpoint, and resumes', async () => {
    const { id } = await f.runs.startRun(f.request({ steps: 100, checkpointEvery: 0, evalEvery: 0 }));
    await waitForRun(f.runs, id, (run) => run.status === 'running' && run.step >= 3, 'to train');
    await f.runs.stop(id);
    const stopped = await f.runs.whenSettled(id);
    const kept = stopped.lastCheckpoint!;
    const state = join(kept.path, 'state.pt');
    const keptBytes = readFileSync(state);

    // Smaller than a checkpoint's state: the next checkpoint cannot be written.
    fileSizeLimit = Math.floor(statSync(state).size / 2);
    try {
      await f.runs.resume(id);
      await waitForRun(f.runs, id, (run) => run.status === 'running', 'to run again');
      await f.runs.stop(id);
      const full = await f.runs.whenSettled(id);
      expect(full.status).toBe('failed');
      expect(full.error?.kind).toBe('disk_full');
      expect(full.resumable).toBe(true);
      expect(full.lastCheckpoint).toEqual(kept);
      expect(readFileSync(state).equals(keptBytes)).toBe(true);
    } finally {
      fileSizeLimit = null;
    }
    const done = await f.runs.resume(id).then(() => f.runs.whenSettled(id));
    expect(done).toMatchObject({ status: 'completed', step: 100, error: null });
  }, TRAINING_TIMEOUT);

  it('survives the main process being killed mid-run: interrupted, nothing lost, no orphan, resumable', async () => {
    const port = await freePort();
    const token = 'test-token-0123456789';
    const serve = spawn(process.execPath, [join(repoRoot, 'bin/lathe.js'), 'serve', '--port', String(port)], {
      env: { ...process.env, LATHE_DATA_DIR: f.data.dataDir, LATHE_TOKEN: token, LATHE_PYTHON: python },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    serve.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    serve.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor('lathe serve to listen', () => output.includes('serving at'), 30_000);
      const client = await WireClient.connect(`ws://127.0.0.1:${port}/ws?token=${token}`);
      const started = (await client.call('runs.start', f.request({ steps: 120, checkpointEvery: 5, evalEvery: 0 }))) as RunEntry;
      await waitFor('steps over the WebSocket', async () => {
        const detail = (await client.call('runs.get', { id: started.id })) as RunDetail;
        return detail.run.step >= 8 && detail.run.lastCheckpoint !== null;
      }, 60_000);
      serve.kill('SIGKILL');
      client.close();
    } finally {
      serve.kill('SIGKILL');
    }
    const run = f.runs.list().find((entry) => entry.status !== 'completed' && entry.status !== 'stopped' && entry.status !== 'failed')!;
    const linesAtKill = readFileSync(join(run.dir, 'events.jsonl'), 'utf8');
    const pid = trainerPid(run);

    // The trainer saw its stdin close: it checkpoints and exits by itself.
    await waitFor('the orphan trainer to stop', () => checkTrainer(pid, run.dir) === 'gone', 60_000);
    const runs = await f.restart();
    const recovered = runs.get(run.id);
    expect(recovered.run.status).toBe('interrupted');
    expect(recovered.run.resumable).toBe(true);
    const file = readFileSync(join(run.dir, 'events.jsonl'), 'utf8');
    expect(file.startsWith(linesAtKill)).toBe(true);
    const stepsInFile = eventsOf(run.dir).filter((line) => line.event === 'step').map((line) => line.step);
    expect(recovered.metrics.train.step).toEqual([...new Set(stepsInFile)].sort((a, b) => (a as number) - (b as number)));

    const resumed = await runs.resume(run.id);
    expect(['queued', 'starting']).toContain(resumed.status);
    const done = await runs.whenSettled(run.id);
    expect(done).toMatchObject({ status: 'completed', step: 120, error: null });
    const launches = eventsOf(run.dir).filter((line) => line.event === 'launched');
    expect(launches.map((line) => line.resume)).toEqual([false, true]);
    expect(existsSync(done.adapterPath!)).toBe(true);
  }, TRAINING_TIMEOUT);
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** The contract's wire messages over a WebSocket (src-main/contract/wire.ts), calls only. */
class WireClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { t: string; id: number; ok?: boolean; value?: unknown; error?: { message: string } };
      const waiting = this.pending.get(message.id);
      if (message.t !== 'result' || !waiting) return;
      this.pending.delete(message.id);
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new Error(message.error?.message));
    });
  }

  static connect(url: string): Promise<WireClient> {
    return new Promise((resolveClient, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolveClient(new WireClient(socket)));
      socket.once('error', reject);
    });
  }

  call(name: string, input: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolveCall, reject) => {
      this.pending.set(id, { resolve: resolveCall, reject });
      this.socket.send(JSON.stringify({ t: 'call', id, name, input }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
