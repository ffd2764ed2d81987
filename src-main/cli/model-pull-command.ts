/**
 * `lathe model pull REPO[:FILE] [--json]`: downloads a GGUF file from the Hugging Face Hub
 * into the library through the same download queue the Models page uses (resumable, checked
 * against the Hub's SHA-256). Without FILE, a repository with one GGUF file gives that one;
 * otherwise its files are listed with size and fit so the person can name one. Ctrl-C keeps
 * the partial file: the same command continues it. `--json` prints one JSON object per
 * progress change and a last `{"type":"done", …}` line.
 */
import type { DownloadEntry } from '../contract';
import type { LatheServices } from '../app/lathe-services';
import { parseRepoAndFile } from '../models/hub/hub-names';
import { formatBytes } from '../training/memory-units';
import { parseArgs, UsageError } from './args';
import { withCliServices } from './cli-services';
import type { CliContext } from './main';
import { ProgressBar } from './progress-bar';

const USAGE = 'Usage: lathe model pull REPO[:FILE] [--json]   e.g. lathe model pull Qwen/Qwen2.5-0.5B-Instruct-GGUF:qwen2.5-0.5b-instruct-q8_0.gguf';

export async function runModelPull(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { json: 'boolean' });
  if (words.length !== 1) throw new UsageError(USAGE);
  const { repo, file } = parseRepoAndFile(words[0] as string);
  return withCliServices(context, async (services) => {
    const chosen = file ?? (await onlyFile(services, repo, context));
    if (chosen === null) return 2;
    return pull(services, repo, chosen, flags.json === true, context);
  });
}

/** The repository's one GGUF file, or null after listing them when there are several. */
async function onlyFile(services: LatheServices, repo: string, context: CliContext): Promise<string | null> {
  const { files } = await services.hub.files(repo);
  if (files.length === 1) return (files[0] as (typeof files)[number]).path;
  if (files.length === 0) throw new UsageError(`${repo} has no GGUF files.`);
  context.out(`${repo} has ${files.length} GGUF files; name one as ${repo}:FILE`);
  for (const f of files) {
    context.out(`  ${f.path}  ${formatBytes(f.sizeBytes)}  ${f.quantization ?? '?'}  run: ${f.inference.verdict}  train: ${f.training.verdict}`);
  }
  return null;
}

async function pull(services: LatheServices, repo: string, file: string, json: boolean, context: CliContext): Promise<number> {
  const started = await services.hub.downloads.add(repo, file);
  const bar = json ? null : new ProgressBar({ write: (text) => process.stderr.write(text), columns: process.stderr.columns, isTTY: process.stderr.isTTY === true });
  let settle: (entry: DownloadEntry) => void = () => undefined;
  const settled = new Promise<DownloadEntry>((resolve) => (settle = resolve));
  const show = (entry: DownloadEntry): void => {
    if (json) process.stdout.write(`${JSON.stringify({ type: 'progress', ...entry })}\n`);
    else bar?.update(progressState(entry));
    if (entry.state === 'done' || entry.state === 'failed' || entry.state === 'cancelled') settle(entry);
  };
  const stop = services.hub.downloads.subscribe((event) => {
    if (event.type === 'changed' && event.download.id === started.id) show(event.download);
  });
  const current = services.hub.downloads.list().find((d) => d.id === started.id);
  if (current) show(current);
  const onInterrupt = (): void => {
    bar?.done();
    process.stderr.write('Stopped; the partial file is kept. Run the same command to continue.\n');
    settle({ ...started, state: 'cancelled' });
  };
  process.on('SIGINT', onInterrupt);
  let end: DownloadEntry;
  try {
    end = await settled;
  } finally {
    process.off('SIGINT', onInterrupt);
    stop();
    bar?.done();
  }
  if (end.state === 'cancelled') return 130;
  if (end.state === 'failed') {
    process.stderr.write(`The download failed: ${end.problem ?? 'no reason given'}\n`);
    return 1;
  }
  const model = services.models.get(end.modelId as string);
  if (json) process.stdout.write(`${JSON.stringify({ type: 'done', download: end, model })}\n`);
  else context.out(`downloaded ${model.id}  ${model.path}`);
  return 0;
}

function progressState(entry: DownloadEntry): Parameters<ProgressBar['update']>[0] {
  const percent = entry.sizeBytes > 0 ? Math.floor((100 * entry.receivedBytes) / entry.sizeBytes) : 0;
  const rate = entry.bytesPerSecond === null ? '' : `, ${formatBytes(entry.bytesPerSecond)}/s`;
  const status = entry.state === 'downloading' ? `${formatBytes(entry.receivedBytes)} of ${formatBytes(entry.sizeBytes)}${rate}` : entry.state;
  return { step: percent, total: 100, loss: null, tokensPerSecond: null, etaSeconds: entry.etaSeconds, status: entry.problem ?? status };
}
