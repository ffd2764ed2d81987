/**
 * Evaluation of finished runs (issue 7): the loss per trained token and perplexity of the
 * run's validation split (the training split when it has none) through llama.cpp's logits,
 * with and without the adapter, and greedy generations for the first validation prompts beside
 * their references. Kept as `<run dir>/evaluation.json`; made after every completed run and on
 * demand, one at a time (they share the inference worker with the Playground).
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LatheError, type RunEntry, type RunEvent } from '../contract';
import type { EvaluationEvent, EvaluationGeneration, RunEvaluation } from '../contract/playground-types';
import type { GenerateRequest, GenerateResult } from '../inference/worker-protocol';
import type { ScoreRequest, ScoreResult } from '../inference/score-tokens';
import { generationsCsv, generationsJsonl, tableFileName } from './evaluation-table';
import { promptAndReference, readManifest, readSplit, type PreparedExample } from './prepared-split';
import { runSources, type RunSources } from './run-sources';

export const EVALUATION_FILE = 'evaluation.json';
/** Generations when the caller does not say (each is two greedy answers). */
export const DEFAULT_GENERATIONS = 8;
/** Examples per scoring request: progress moves, and a long split never becomes one huge message. */
const SCORE_CHUNK = 16;

export interface EvaluationServiceDeps {
  runs: { get(id: string): { run: RunEntry }; subscribe(listener: (event: RunEvent) => void): () => void };
  inference: {
    score(request: ScoreRequest): Promise<ScoreResult>;
    detokenize(modelPath: string, tokens: number[][], specialTokens: boolean): Promise<string[]>;
    generate(request: GenerateRequest): Promise<GenerateResult>;
  };
  /** Evaluate every run that completes (default true). */
  afterEachRun?: boolean;
  clock?: () => number;
  logError?: (context: string, error: unknown) => void;
}

export class EvaluationService {
  private readonly listeners = new Set<(event: EvaluationEvent) => void>();
  private readonly running = new Map<string, { state: RunEvaluation; done: Promise<RunEvaluation> }>();
  /** Evaluations wait for each other: one model load and one worker queue at a time. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private readonly clock: () => number;
  private closed = false;

  constructor(private readonly deps: EvaluationServiceDeps) {
    this.clock = deps.clock ?? Date.now;
    this.unsubscribe = deps.runs.subscribe((event) => {
      if (deps.afterEachRun === false || event.type !== 'finished' || event.run.status !== 'completed' || event.run.adapterPath === null) return;
      this.start(event.run.id).catch((error: unknown) => {
        if (!this.closed) deps.logError?.('evaluation after the run', error);
      });
    });
  }

  /** The run's evaluation in progress, else the last one stored, else null. */
  get(runId: string): RunEvaluation | null {
    const { run } = this.deps.runs.get(runId);
    const live = this.running.get(runId);
    if (live) return { ...live.state };
    const file = join(run.dir, EVALUATION_FILE);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunEvaluation) : null;
  }

  /** Evaluates the run (or joins the evaluation already under way); resolves when it is stored. */
  start(runId: string, generations = DEFAULT_GENERATIONS): Promise<RunEvaluation> {
    const live = this.running.get(runId);
    if (live) return live.done;
    const { run } = this.deps.runs.get(runId);
    const sources = runSources(run); // refuses runs without an adapter or base model, before anything starts
    if (sources.preparedDir === null) throw new LatheError('corrupt', `${run.name}'s events.jsonl does not say which prepared data it trained on.`);
    const state: RunEvaluation = { runId, status: 'running', error: null, split: 'validation', examples: 0, targetTokens: 0, base: null, adapter: null, generations: [], createdAt: this.clock() };
    const done = this.chain.then(() => this.evaluate(sources, sources.preparedDir!, state, generations));
    this.chain = done.catch(() => undefined);
    this.running.set(runId, { state, done });
    return done;
  }

  /** The generations table of the run's stored evaluation. */
  table(runId: string, format: 'csv' | 'jsonl'): { fileName: string; text: string } {
    const { run } = this.deps.runs.get(runId);
    const evaluation = this.get(runId);
    if (evaluation === null || evaluation.status !== 'done') throw new LatheError('not_found', `${run.name} has no finished evaluation yet.`);
    return { fileName: tableFileName(run.name, format), text: format === 'csv' ? generationsCsv(evaluation) : generationsJsonl(evaluation) };
  }

  subscribe(listener: (event: EvaluationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops evaluating new runs; one in progress ends with the inference worker. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.listeners.clear();
  }

  private async evaluate(sources: RunSources, preparedDir: string, state: RunEvaluation, generations: number): Promise<RunEvaluation> {
    const { run, baseModelPath, adapterPath } = sources;
    try {
      const manifest = await readManifest(preparedDir);
      state.split = manifest.splits.validation.examples > 0 ? 'validation' : 'train';
      const examples = (await readSplit(preparedDir, state.split, manifest)).filter((example) => example.mask.some((bit, i) => i > 0 && bit === 1));
      if (examples.length === 0) throw new LatheError('invalid_input', `${run.name}'s prepared data has no trained tokens to score.`);
      state.examples = examples.length;
      const base = await this.scoreAll(run.id, baseModelPath, undefined, examples, 'base');
      state.base = base.score;
      state.targetTokens = base.targets;
      state.adapter = (await this.scoreAll(run.id, baseModelPath, adapterPath, examples, 'adapter')).score;
      state.generations = await this.generate(run.id, baseModelPath, adapterPath, examples.slice(0, generations), manifest.tokenizer.bos);
      state.status = 'done';
    } catch (error) {
      state.status = 'failed';
      state.error = error instanceof Error ? error.message : String(error);
    }
    this.running.delete(run.id);
    const evaluation = { ...state };
    // Cut short by the app closing (the worker is gone): nothing worth keeping or announcing.
    if (this.closed && evaluation.status === 'failed') throw new LatheError('cancelled', 'Lathe closed before the evaluation finished.');
    await writeAtomically(join(run.dir, EVALUATION_FILE), `${JSON.stringify(evaluation, null, 2)}\n`).catch((error: unknown) => this.deps.logError?.('evaluation.json', error));
    this.emit({ type: 'finished', evaluation });
    if (evaluation.status === 'failed') throw new LatheError('internal', `Evaluating ${run.name} failed: ${evaluation.error}`);
    return evaluation;
  }

  private async scoreAll(runId: string, modelPath: string, adapterPath: string | undefined, examples: PreparedExample[], phase: 'base' | 'adapter') {
    let lossSum = 0;
    let targets = 0;
    for (let from = 0; from < examples.length; from += SCORE_CHUNK) {
      this.emit({ type: 'progress', runId, done: from, total: examples.length, phase });
      const chunk = examples.slice(from, from + SCORE_CHUNK);
      const result = await this.deps.inference.score({ modelPath, examples: chunk, ...(adapterPath ? { adapter: { path: adapterPath, scale: 1 } } : {}) });
      lossSum += result.lossSum;
      targets += result.targets;
    }
    this.emit({ type: 'progress', runId, done: examples.length, total: examples.length, phase });
    const loss = lossSum / targets;
    return { score: { loss, perplexity: Math.exp(loss) }, targets };
  }

  private async generate(runId: string, modelPath: string, adapterPath: string, examples: PreparedExample[], bos: number | null): Promise<EvaluationGeneration[]> {
    if (examples.length === 0) return [];
    const parts = examples.map((example) => promptAndReference(example, bos));
    const prompts = await this.deps.inference.detokenize(modelPath, parts.map((part) => part.prompt), true);
    const references = await this.deps.inference.detokenize(modelPath, parts.map((part) => part.reference), false);
    const rows: EvaluationGeneration[] = [];
    for (const [index, prompt] of prompts.entries()) {
      this.emit({ type: 'progress', runId, done: index, total: prompts.length, phase: 'generations' });
      // Room for the reference and a little more: a base model's ramble is cut there.
      const maxTokens = Math.min(512, parts[index]!.reference.length + 16);
      const answer = async (adapter: boolean) =>
        (
          await this.deps.inference.generate({ modelPath, prompt, specialTokens: true, maxTokens, temperature: 0, ...(adapter ? { adapter: { path: adapterPath, scale: 1 } } : {}) })
        ).text.trim();
      rows.push({ prompt, reference: references[index]!.trim(), base: await answer(false), fineTuned: await answer(true) });
    }
    this.emit({ type: 'progress', runId, done: prompts.length, total: prompts.length, phase: 'generations' });
    return rows;
  }

  private emit(event: EvaluationEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logError?.('evaluation listener', error);
      }
    }
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}
