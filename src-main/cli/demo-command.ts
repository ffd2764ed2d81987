/**
 * `lathe demo` (`npm run demo`): the whole product on a machine without a display, in a few
 * minutes on two CPU cores. In a data folder of its own it makes a small random demo model,
 * imports the bundled question/answer set, fine-tunes a LoRA adapter on it, and prints the
 * base and the fine-tuned model's greedy answers side by side — to questions it trained on
 * and to held-out ones — with how many trained answers come back exactly.
 *
 * The settings are chosen for memorizing, measured on the 24-answer sample set with the small
 * demo model (every example in every step, cosine schedule, fp32): DESIGN §7's rank 8 at lr
 * 3e-3 recalled 9 of 24 answers after 120 steps, and 13 at lr 5e-3; what recall needs is a
 * schedule that decays slowly enough: rank 16 (alpha 32) at lr 5e-3 recalled 19 by step 80 and
 * all 24 from step 120 of a 160-step run (rank 8 did the same in a 200-step run). A random model has
 * no language to generalize from, so the held-out answers show only that the adapter is in play.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatheError, type RunRequest } from '../contract';
import type { LatheServices } from '../app/lathe-services';
import { addSampleDataset, readSampleHeldout } from '../app/sample-dataset';
import { untilImported } from '../datasets/until-imported';
import { makeDemoModel } from '../models/make-demo-model';
import { parseArgs, UsageError } from './args';
import { chatPromptFor } from './chat-prompt';
import { withCliServices } from './cli-services';
import { modelFor } from './dataset-command';
import { formatDuration } from './progress-bar';
import { trainToEnd } from './train-command';
import type { CliContext } from './main';
import { memorizingSettings } from './demo-settings';

const USAGE = 'Usage: lathe demo [--steps N]   (N: optimizer steps, default 160; fewer for a quick check)';
/** See the measurements above. */
export const DEMO_STEPS = 160;
/** Trained questions shown side by side (all are scored). */
const SHOWN_TRAINED = 6;
/** Room for the longest sample answer; a base model's ramble is cut here. */
const ANSWER_TOKENS = 40;

export async function runDemo(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { steps: 'string' });
  if (words.length > 0) throw new UsageError(USAGE);
  const steps = flags.steps === undefined ? DEMO_STEPS : Number(flags.steps);
  if (!Number.isInteger(steps) || steps < 1 || steps > 100_000) throw new UsageError(`--steps must be a whole number from 1, not "${String(flags.steps)}"\n${USAGE}`);
  const began = performance.now();
  const elapsed = (): string => formatDuration((performance.now() - began) / 1000);
  // A folder of its own, so the demo never touches a person's library (LATHE_DATA_DIR wins).
  const dataDir = context.env.LATHE_DATA_DIR || mkdtempSync(join(tmpdir(), 'lathe-demo-'));
  const demo: CliContext = { ...context, dataDir };
  context.out(`Lathe demo — data folder ${dataDir}`);

  return withCliServices(demo, async (services) => {
    const modelPath = join(dataDir, 'demo-llama-small.gguf');
    if (!existsSync(modelPath)) {
      step(context, elapsed(), 'Making a demo model (random llama, 128 dims × 4 layers)');
      await makeDemoModel({ out: modelPath, arch: 'llama', size: 'small', dtype: 'f32', env: context.env, dataDir, runtimeDir: context.paths.runtimeDir });
    }
    const model = await modelFor(services, modelPath);

    step(context, elapsed(), 'Importing the sample question/answer set');
    const added = await addSampleDataset({ datasets: services.datasets, dataDir, samplesDir: context.paths.samplesDir });
    const dataset = await untilImported(services.datasets, added.id);
    if (dataset.status !== 'ready' || dataset.inspection === null) throw new LatheError('internal', `The sample dataset did not import: ${dataset.problem ?? dataset.status}`);
    const pairs = (await services.datasets.preview(dataset.id, 0, dataset.inspection.rows)).flatMap((row) => {
      const [user, assistant] = row.conversation ?? [];
      return user && assistant ? [{ question: user.content, answer: assistant.content }] : [];
    });
    const heldout = await readSampleHeldout(context.paths.samplesDir);

    step(context, elapsed(), `Training a LoRA adapter for ${steps} steps on ${pairs.length} answers`);
    const request: RunRequest = {
      modelId: model.id,
      datasetId: dataset.id,
      preset: 'quick',
      name: 'Demo: sample answers',
      settings: memorizingSettings(pairs.length, steps),
      // Every answer is trained: the demo shows memorization, held-out prompts come from elsewhere.
      prepare: { validationPercent: 0 },
    };
    const run = await trainToEnd(services, request, { json: false, say: context.out });
    if (run.status !== 'completed' || run.adapterPath === null) {
      process.stderr.write(`The demo's run ended ${run.status}${run.error ? `: ${run.error.message}` : ''}\n`);
      if (run.error) process.stderr.write(run.error.logTail.map((line) => `  ${line}`).join('\n') + '\n');
      return 1;
    }
    context.out(`  adapter ${run.adapterPath} (${formatDuration(run.activeSeconds)} of training, final loss ${run.trainLoss?.toFixed(3) ?? '?'})`);

    step(context, elapsed(), 'Answering with the base model and with the adapter (greedy)');
    const answers = await answerAll(services, modelPath, run.adapterPath, pairs, heldout);
    context.out(sideBySide('Held-out questions (not in the training set)', answers.heldout));
    context.out(sideBySide('Trained questions', answers.trained.slice(0, SHOWN_TRAINED), true));
    const exact = answers.trained.filter((row) => row.tuned === row.expected).length;
    const baseExact = answers.trained.filter((row) => row.base !== null && row.base === row.expected).length;
    context.out(`\nThe fine-tuned model reproduces ${exact} of ${pairs.length} trained answers exactly${baseExact > 0 ? ` (the base model: ${baseExact})` : ''}.`);
    context.out(`Done in ${elapsed()}. The run, its events and the adapter are in ${dataDir}`);
    return 0;
  });
}

interface AnswerRow {
  question: string;
  expected: string | null;
  /** Null where the base model was not asked (trained questions past the shown ones). */
  base: string | null;
  tuned: string;
}

async function answerAll(
  services: LatheServices,
  modelPath: string,
  adapterPath: string,
  pairs: { question: string; answer: string }[],
  heldout: string[],
): Promise<{ heldout: AnswerRow[]; trained: AnswerRow[] }> {
  const prompt = await chatPromptFor(modelPath);
  const answer = async (question: string, adapter: boolean): Promise<string> => {
    const result = await services.inference.generate({
      modelPath,
      prompt: prompt(question),
      specialTokens: true,
      maxTokens: ANSWER_TOKENS,
      temperature: 0,
      ...(adapter ? { adapter: { path: adapterPath, scale: 1 } } : {}),
    });
    return result.text.trim();
  };
  const rows = async (items: { question: string; expected: string | null }[], askBase: (index: number) => boolean): Promise<AnswerRow[]> => {
    const out: AnswerRow[] = [];
    for (const [index, item] of items.entries()) {
      out.push({ ...item, base: askBase(index) ? await answer(item.question, false) : null, tuned: await answer(item.question, true) });
    }
    return out;
  };
  return {
    heldout: await rows(heldout.map((question) => ({ question, expected: null })), () => true),
    trained: await rows(pairs.map(({ question, answer: expected }) => ({ question, expected })), (index) => index < SHOWN_TRAINED),
  };
}

function sideBySide(title: string, rows: AnswerRow[], marks = false): string {
  // A random base model produces control bytes and broken UTF-8: escaped, so the terminal stays sane.
  const shown = (text: string | null): string => (text === null ? '' : text === '' ? '(nothing)' : JSON.stringify(text).slice(1, -1));
  const cell = (text: string | null, width: number): string => {
    const flat = shown(text);
    return (flat.length > width ? `${flat.slice(0, width - 1)}…` : flat).padEnd(width);
  };
  const lines = [`\n${title}`, `  ${'question'.padEnd(34)}  ${'base model'.padEnd(30)}  fine-tuned`];
  for (const row of rows) {
    const mark = marks ? (row.tuned === row.expected ? '  ✓' : `  ✗ (trained: ${row.expected ?? ''})`) : '';
    lines.push(`  ${cell(row.question, 34)}  ${cell(row.base, 30)}  ${shown(row.tuned)}${mark}`);
  }
  return lines.join('\n');
}

function step(context: CliContext, at: string, what: string): void {
  context.out(`\n[${at}] ${what}`);
}
