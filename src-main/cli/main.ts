/**
 * `lathe` — the command line. It drives the same services as the window, for scripting and
 * for headless machines. Run it with `npx lathe --help` (bin/lathe.js loads this bundle).
 * Exit codes: 0 success, 1 failure, 2 a usage mistake or invalid input.
 */
import { homedir } from 'node:os';
import { LatheError } from '../contract';
import { chooseDataDir } from '../app/data-dir';
import { appPathsFromBundle } from '../app/paths';
import { UsageError } from './args';
import { runServe } from './serve-command';
import { runSystemInfo } from './system-command';
import { runModel } from './model-command';
import { runDataset } from './dataset-command';
import { runGenerate } from './generate-command';
import { runChat } from './chat-command';
import { runTrain } from './train-command';
import { runEval } from './eval-command';
import { runExport } from './export-command';
import { runDemo } from './demo-command';
import { runRuntime } from './runtime-command';
import pkg from '../../package.json';

const USAGE = `lathe ${pkg.version} — fine-tune language models locally

Usage:
  lathe serve [--port N] [--host H]    serve the app to a browser (127.0.0.1:7860 by default)
  lathe system info [--json]            hardware and Python/torch report
  lathe model inspect FILE [--json]     what a GGUF file holds (exit 2 when it is not valid)
  lathe model add PATH…                 add GGUF files or folders to the library
  lathe model list [--json]             the library
  lathe model pull REPO[:FILE] [--json] download a GGUF file from the Hugging Face Hub (resumable, checked)
  lathe model make-demo --out FILE      write a small random demo model [--arch llama|qwen2] [--size tiny|small]
  lathe dataset inspect FILE [--json]   what a dataset file holds: format, shape, every bad row (exit 2 when unreadable)
  lathe dataset add FILE…               add dataset files to the library (read in place)
  lathe dataset list [--json]           the datasets in the library
  lathe dataset prepare --dataset FILE|ID --model FILE|ID --max-len N [--val 0.1] [--out DIR] [--json]
  lathe train --model FILE|ID --dataset FILE|ID [--preset quick|balanced|thorough] [--steps N]
              [--set key=value …] [--out DIR] [--json]
                                        fine-tune a LoRA adapter; prints the adapter's path (lathe train --help)
  lathe runtime plan|setup|health|status|reset|use …  the training runtime's Python and torch (lathe runtime --help)
  lathe eval --run ID|NAME [--generations N] [--again] [--json]
                                        a run's loss and perplexity with and without its adapter, and generations
  lathe export --run ID|NAME --format adapter|merged|ollama|llama-server [--out DIR] [--json]
                                        the adapter for llama.cpp, Ollama or llama-server, or merged into its base model
  lathe demo [--steps N]                make a demo model, train it on the bundled sample set, compare answers
  lathe generate --model FILE|ID --prompt TEXT [--adapter FILE [--scale S]] [--max-tokens N] [--temperature T] [--seed N] [--json]
  lathe chat --model FILE|ID [--adapter FILE|RUN] [--scale S] [--temperature T] [--max-tokens N] [--seed N]
             [--system TEXT] --prompt TEXT [--json]
                                        one chat turn with the model's chat template, printed as it streams
  lathe --help                          this text

Environment:
  LATHE_DATA_DIR   data folder (default: the platform's application data folder)
  LATHE_TOKEN      access token for 'serve' (default: a new random token each start)
  LATHE_PYTHON     Python interpreter with torch for training
  LATHE_HUB_URL    Hugging Face Hub to download from (default https://huggingface.co)
  HF_TOKEN         Hub access token for gated repositories, when none is stored`;

export interface CliContext {
  dataDir: string;
  paths: ReturnType<typeof appPathsFromBundle>;
  env: NodeJS.ProcessEnv;
  version: string;
  out: (text: string) => void;
}

async function main(argv: string[]): Promise<number> {
  const context: CliContext = {
    dataDir: chooseDataDir({ env: process.env, platform: process.platform, home: homedir() }),
    paths: appPathsFromBundle(import.meta.url),
    env: process.env,
    version: pkg.version,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    context.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  switch (command) {
    case 'serve':
      return runServe(rest, context);
    case 'system':
      return runSystemInfo(rest, context);
    case 'model':
      return runModel(rest, context);
    case 'dataset':
      return runDataset(rest, context);
    case 'generate':
      return runGenerate(rest, context);
    case 'chat':
      return runChat(rest, context);
    case 'train':
      return runTrain(rest, context);
    case 'eval':
      return runEval(rest, context);
    case 'export':
      return runExport(rest, context);
    case 'demo':
      return runDemo(rest, context);
    case 'runtime':
      return runRuntime(rest, context);
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`lathe: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof LatheError) {
      process.stderr.write(`lathe: ${error.message}\n`);
      process.exitCode = error.kind === 'invalid_input' ? 2 : 1;
    } else {
      process.stderr.write(`lathe: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
