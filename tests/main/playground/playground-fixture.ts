/**
 * A Playground service on real parts: a real catalog and model library in a temp folder, the
 * built inference worker with real llama.cpp, demo models, and an adapter trained by the
 * Python runtime placed in a run folder as RunService leaves it (`output/adapter.gguf`,
 * `output/checkpoints/step-N/adapter.gguf`). The run list is the one outside part: a run entry
 * pointing at that folder, so these tests need not train through RunService.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { appPathsFromBundle } from '../../../src-main/app/paths';
import type { ChatEvent, ChatRequest, RunEntry } from '../../../src-main/contract';
import { assertLoadable } from '../../../src-main/inference/assert-loadable';
import { InferenceService, type InferenceServiceDeps } from '../../../src-main/inference/inference-service';
import { ConversationRepository } from '../../../src-main/playground/conversation-repository';
import { PlaygroundService } from '../../../src-main/playground/playground-service';
import { libraryFixture, type LibraryFixture } from '../models/library-fixture';

export const workerPath = appPathsFromBundle(new URL('../../../out/main/cli.js', import.meta.url).href).inferenceWorker;

export interface PlaygroundFixture {
  library: LibraryFixture;
  inference: InferenceService;
  playground: PlaygroundService;
  runs: RunEntry[];
  close(): Promise<void>;
}

export async function playgroundFixture(overrides: Partial<InferenceServiceDeps> = {}): Promise<PlaygroundFixture> {
  const library = await libraryFixture();
  const inference = new InferenceService({ workerPath, settings: { threads: 2, gpu: false }, checkModel: assertLoadable, ...overrides });
  const runs: RunEntry[] = [];
  const playground = new PlaygroundService({ repo: new ConversationRepository(library.catalog.db), models: library.library, runs: { list: () => runs }, inference });
  return {
    library,
    inference,
    playground,
    runs,
    async close() {
      inference.close();
      await library.close();
    },
  };
}

/** A completed run of `modelId` whose final adapter and one checkpoint are copies of `adapter`. */
export function completedRun(dir: string, modelId: string, adapter: string, checkpointStep = 30): RunEntry {
  const output = join(dir, 'output');
  const checkpoint = join(output, 'checkpoints', `step-${String(checkpointStep).padStart(8, '0')}`);
  mkdirSync(checkpoint, { recursive: true });
  copyFileSync(adapter, join(output, 'adapter.gguf'));
  copyFileSync(adapter, join(checkpoint, 'adapter.gguf'));
  return {
    id: `run-${checkpointStep}`,
    name: 'capitals',
    modelId,
    modelName: 'demo',
    datasetId: 'd1',
    datasetName: 'qa',
    preset: 'quick',
    settings: {} as RunEntry['settings'],
    status: 'completed',
    queuePosition: null,
    step: 60,
    totalSteps: 60,
    trainLoss: 0.1,
    valLoss: null,
    activeSeconds: 10,
    etaSeconds: null,
    createdAt: 1,
    startedAt: 1,
    endedAt: 2,
    error: null,
    dir,
    adapterPath: join(output, 'adapter.gguf'),
    lastCheckpoint: { step: checkpointStep, path: checkpoint },
    resumable: false,
    memory: { estimatedBytes: null, measuredPeakBytes: null, device: null },
  };
}

export interface TurnResult {
  events: ChatEvent[];
  /** Each pane's streamed text, joined. */
  texts: string[];
  stop: () => void;
}

/**
 * Runs one turn and resolves when every pane has answered or failed. `onEvent` may call
 * `stop` (unsubscribe), after which the turn resolves at once.
 */
export async function runTurn(playground: PlaygroundService, request: ChatRequest, panes: number, onEvent?: (event: ChatEvent, turn: TurnResult) => void): Promise<TurnResult> {
  let finish = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const result: TurnResult = { events: [], texts: Array.from({ length: panes }, () => ''), stop: () => {} };
  let settled = 0;
  const unsubscribe = await playground.chat(request, (event) => {
    result.events.push(event);
    if (event.type === 'token') result.texts[event.paneIndex] += event.text;
    if (event.type === 'done' || event.type === 'error') settled += 1;
    onEvent?.(event, result);
    if (settled === panes) finish();
  });
  result.stop = () => {
    unsubscribe();
    finish();
  };
  await finished;
  return result;
}
