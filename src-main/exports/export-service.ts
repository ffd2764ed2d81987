/**
 * Export of a finished run (issue 7) for the tools people run models with:
 *
 * * `adapter` — the GGUF adapter under a readable name, and the PEFT folder beside it;
 * * `ollama` — the adapter, and a Modelfile (`FROM` the base, `ADAPTER` the adapter, absolute
 *   paths) with the `ollama create` command that imports it;
 * * `llama-server` — the adapter, and the `llama-server -m … --lora …` command line;
 * * `merged` — one GGUF with the adapter folded in (python-runtime's `merge`), then loaded by
 *   llama.cpp and compared with base + adapter on a check prompt (`check.maxAbsDiff`).
 *
 * Files go to `<run dir>/exports/` (removed with the run), or a folder the command line names.
 * Every file is written beside its final name and renamed into place.
 */
import { copyFile, cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { LatheError, type RunEntry } from '../contract';
import type { ExportEvent, ExportFormat, ExportResult } from '../contract/playground-types';
import type { LogitsCheck } from '../inference/score-tokens';
import { runSources, type RunSources } from '../evaluation/run-sources';
import { runMerge, type SpawnMerge } from './merge-runner';
import { commandLine, ollamaModelName } from './shell-command';

export const EXPORTS_FOLDER = 'exports';
/** A prompt any tokenizer turns into a dozen or more tokens; its logits are what the merged check compares. */
export const CHECK_PROMPT = 'The quick brown fox jumps over the lazy dog. LoRA adapters';
/** The largest logit difference the merged file may show against base + adapter (issue 7; F16 rounding of the merged weights moves logits by ~1e-3). */
export const MERGE_TOLERANCE = 2e-2;

export interface ExportServiceDeps {
  runs: { get(id: string): { run: RunEntry } };
  inference: { checkLogits(request: LogitsCheck): Promise<{ maxAbsDiff: number; tokens: number }> };
  /** The interpreter with torch (Python discovery); null when there is none. */
  python: () => Promise<{ python: string | null; advice?: string | null }>;
  runtimeDir: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Throws a LatheError naming the mismatch when the adapter does not belong to the model (`assertAdapterFits`). */
  checkAdapter: (adapterPath: string, modelPath: string) => Promise<void>;
  spawn?: SpawnMerge;
}

export class ExportService {
  private readonly listeners = new Set<(event: ExportEvent) => void>();

  constructor(private readonly deps: ExportServiceDeps) {}

  /** Writes the export; `outDir` (the command line's `--out`) instead of the run's `exports/` folder. */
  async create(runId: string, format: ExportFormat, outDir?: string): Promise<ExportResult> {
    const { run } = this.deps.runs.get(runId);
    const sources = runSources(run);
    const dir = resolve(outDir ?? join(run.dir, EXPORTS_FOLDER));
    await mkdir(dir, { recursive: true });
    const name = ollamaModelName(run.name);
    const progress = (phase: string, fraction: number | null) => this.emit({ type: 'progress', runId, format, phase, fraction });
    progress('adapter', 0);
    const adapter = join(dir, `${name}.lora.gguf`);
    await copyAtomically(sources.adapterPath, adapter);
    switch (format) {
      case 'adapter': {
        const files = [adapter];
        if (sources.peftDir !== null) files.push(await copyFolderAtomically(sources.peftDir, join(dir, `${name}-peft`)));
        progress('done', 1);
        return { format, files, command: null, text: null, check: null };
      }
      case 'ollama': {
        const modelfile = join(dir, 'Modelfile');
        // Ollama reads FROM and ADAPTER paths relative to the Modelfile unless absolute: absolute, so it works from anywhere.
        const text = `FROM ${sources.baseModelPath}\nADAPTER ${adapter}\n`;
        await writeAtomically(modelfile, text);
        progress('done', 1);
        return { format, files: [adapter, modelfile], command: commandLine(['ollama', 'create', name, '-f', modelfile], this.deps.platform), text, check: null };
      }
      case 'llama-server': {
        progress('done', 1);
        return { format, files: [adapter], command: commandLine(['llama-server', '-m', sources.baseModelPath, '--lora', adapter], this.deps.platform), text: null, check: null };
      }
      case 'merged':
        return this.merged(sources, dir, name, progress);
    }
  }

  subscribe(listener: (event: ExportEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async merged(sources: RunSources, dir: string, name: string, progress: (phase: string, fraction: number | null) => void): Promise<ExportResult> {
    // Named before Python starts: the base file at the run's path may have been replaced since.
    await this.deps.checkAdapter(sources.adapterPath, sources.baseModelPath);
    const { python, advice } = await this.deps.python();
    if (python === null) throw new LatheError('unavailable', `Merging needs Python with torch. ${advice ?? ''}`.trim());
    const out = join(dir, `${name}-merged.gguf`);
    const summary = await runMerge({
      python,
      runtimeDir: this.deps.runtimeDir,
      env: this.deps.env,
      base: sources.baseModelPath,
      adapter: sources.adapterPath,
      out,
      spawn: this.deps.spawn,
      onProgress: (fraction) => progress('merge', fraction),
    });
    progress('check', null);
    const check = await this.deps.inference.checkLogits({ mergedPath: summary.path, modelPath: sources.baseModelPath, adapter: { path: sources.adapterPath, scale: 1 }, prompt: CHECK_PROMPT });
    progress('done', 1);
    const command = commandLine(['llama-server', '-m', summary.path], this.deps.platform);
    return { format: 'merged', files: [summary.path], command, text: null, check: { maxAbsDiff: check.maxAbsDiff, prompt: CHECK_PROMPT } };
  }

  private emit(event: ExportEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

async function copyAtomically(from: string, to: string): Promise<void> {
  const temp = `${to}.${process.pid}.tmp`;
  await copyFile(from, temp);
  await rename(temp, to);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}

/** Copies a folder to `to`, replacing an earlier copy only once the new one is complete. */
async function copyFolderAtomically(from: string, to: string): Promise<string> {
  const temp = join(resolve(to, '..'), `.${basename(to)}.${process.pid}.tmp`);
  await rm(temp, { recursive: true, force: true });
  await cp(from, temp, { recursive: true });
  await rm(to, { recursive: true, force: true });
  await rename(temp, to);
  return to;
}
