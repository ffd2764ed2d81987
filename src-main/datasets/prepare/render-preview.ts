/**
 * A few rows rendered for the Datasets page's preview: the text the model will see, in spans
 * marked trained or not, with each row's token count — made by the same worker, template and
 * tokenizer as preparing, so the preview is what training gets.
 */
import { LatheError } from '../../contract';
import type { DatasetShape, PrepareOptions } from '../../contract/dataset-types';
import { assertLoadable } from '../../inference/assert-loadable';
import { chooseTemplateSource } from './chat-template';
import type { PreparationRow } from './example-maker';
import { readModelTokenizer } from './model-tokenizer';
import { PrepareWorkers, type ForkWorker } from './prepare-worker-client';
import type { PreviewExample } from './worker-protocol';

export interface RenderExamplesDeps {
  /** The built worker entry (out/main/dataset-prepare-worker.js). */
  workerPath: string;
  /** `text`: raw text, no template. */
  shape: DatasetShape;
  signal?: AbortSignal;
  forkWorker?: ForkWorker;
}

/**
 * Each row as a `RenderedExample` (plus `problem`: why a row could not be rendered, with empty
 * spans). `tokens` is the full length, before any truncation to `options.maxLength`.
 */
export async function renderExamples(rows: readonly PreparationRow[], modelPath: string, options: PrepareOptions, deps: RenderExamplesDeps): Promise<PreviewExample[]> {
  await assertLoadable(modelPath);
  const tokenizer = await readModelTokenizer(modelPath);
  const source = chooseTemplateSource(tokenizer.chatTemplate, options.template, deps.shape);
  const worker = PrepareWorkers.start(1, { workerPath: deps.workerPath, forkWorker: deps.forkWorker });
  try {
    worker.send(0, {
      type: 'render',
      setup: { modelPath, templateSource: source, options },
      rows: rows.map((row) => ({ line: row.line, conversation: row.conversation, problem: row.problem })),
    });
    const { message: answer } = await worker.receive(deps.signal);
    if (answer.type !== 'rendered') throw new LatheError('internal', `The preparing worker answered '${answer.type}' to a preview.`);
    return answer.examples;
  } finally {
    await worker.stop();
  }
}
