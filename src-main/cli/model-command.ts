/**
 * `lathe model …`: inspect a GGUF file, add files or folders to the library, list it, and make
 * the small random demo models the tests and the demo use (no model can be downloaded here).
 */
import { resolve } from 'node:path';
import type { ModelEntry } from '../contract';
import type { LatheServices } from '../app/lathe-services';
import { withCliServices } from './cli-services';
import { inspectGguf } from '../models/gguf/inspect-gguf';
import { makeDemoModel } from '../models/make-demo-model';
import { parseArgs, UsageError } from './args';
import { printInspection } from './print-inspection';
import { runModelPull } from './model-pull-command';
import type { CliContext } from './main';

const USAGE = `Usage:
  lathe model inspect FILE [--json]
  lathe model add PATH…
  lathe model list [--json] [--search TEXT]
  lathe model pull REPO[:FILE] [--json]
  lathe model make-demo --out FILE [--arch llama|qwen2] [--size tiny|small] [--dtype f32|f16|bf16|q8_0] [--seed N]`;

export async function runModel(argv: string[], context: CliContext): Promise<number> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case 'inspect':
      return inspect(rest, context);
    case 'add':
      return withCliServices(context, (services) => add(rest, services, context));
    case 'list':
      return withCliServices(context, (services) => list(rest, services, context));
    case 'make-demo':
      return makeDemo(rest, context);
    case 'pull':
      return runModelPull(rest, context);
    default:
      throw new UsageError(verb === undefined ? USAGE : `Unknown model command "${verb}"\n${USAGE}`);
  }
}

async function inspect(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { json: 'boolean' });
  if (words.length !== 1) throw new UsageError('Usage: lathe model inspect FILE [--json]');
  return printInspection(words[0] as string, flags.json === true, context, {
    read: async (path) => (await inspectGguf(path)).facts,
    asJson: (facts) => facts,
    describe: describeFacts,
  });
}

async function add(argv: string[], services: LatheServices, context: CliContext): Promise<number> {
  const { words } = parseArgs(argv, {});
  if (words.length === 0) throw new UsageError('Usage: lathe model add PATH…');
  const result = await services.models.addPaths(words.map((path) => resolve(path)));
  for (const model of result.added) context.out(`added ${model.id}  ${model.facts?.displayName ?? model.path}`);
  for (const skipped of result.skipped) process.stderr.write(`skipped ${skipped.path}: ${skipped.reason}\n`);
  return result.added.length === 0 && result.skipped.length > 0 ? 1 : 0;
}

async function list(argv: string[], services: LatheServices, context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { json: 'boolean', search: 'string' });
  if (words.length > 0) throw new UsageError('Usage: lathe model list [--json] [--search TEXT]');
  const models = services.models.list(typeof flags.search === 'string' ? flags.search : undefined);
  context.out(flags.json ? JSON.stringify(models, null, 2) : models.map(describeEntry).join('\n') || 'No models yet. Add one with: lathe model add FILE');
  return 0;
}

async function makeDemo(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { out: 'string', arch: 'string', size: 'string', dtype: 'string', seed: 'string' });
  if (words.length > 0 || typeof flags.out !== 'string') throw new UsageError(USAGE);
  const written = await makeDemoModel({
    out: resolve(flags.out),
    arch: typeof flags.arch === 'string' ? flags.arch : 'llama',
    size: typeof flags.size === 'string' ? flags.size : 'tiny',
    dtype: typeof flags.dtype === 'string' ? flags.dtype : 'f16',
    seed: typeof flags.seed === 'string' ? flags.seed : undefined,
    env: context.env,
    dataDir: context.dataDir,
    runtimeDir: context.paths.runtimeDir,
  });
  context.out(written);
  return 0;
}

function describeFacts(facts: NonNullable<ModelEntry['facts']>): string {
  const types = Object.entries(facts.tensorTypes).map(([type, count]) => `${type}×${count}`).join(', ');
  return [
    `Name          ${facts.displayName}`,
    `Architecture  ${facts.architecture}`,
    `Parameters    ${facts.parameterCount.toLocaleString('en-US')}`,
    `File type     ${facts.fileType ?? 'not stated'} (${types})`,
    `Context       ${facts.contextLength ?? 'unknown'}`,
    `Vocabulary    ${facts.vocabSize ?? 'unknown'}`,
    `Chat template ${facts.chatTemplate ? 'yes' : 'no'}`,
    `Trainable     ${facts.trainable ? 'yes' : `no: ${facts.notTrainableReason}`}`,
    ...facts.loadProblems.map((problem) => `Problem       ${problem}`),
  ].join('\n');
}

function describeEntry(model: ModelEntry): string {
  const name = model.facts?.displayName ?? model.path;
  const what = model.facts ? `${model.facts.architecture}, ${model.facts.parameterCount.toLocaleString('en-US')} parameters` : (model.problem ?? '');
  return `${model.id}  ${name}  (${what})  [${model.status}]  ${model.path}`;
}
