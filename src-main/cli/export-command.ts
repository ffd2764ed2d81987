/**
 * `lathe export --run RUN --format adapter|merged|ollama|llama-server [--out DIR]`: writes the
 * export (into the run's `exports/` folder, or DIR) and prints the files and the command to
 * run next; --json prints the contract's `ExportResult`.
 */
import { resolve } from 'node:path';
import type { ExportFormat } from '../contract/playground-types';
import { parseArgs, UsageError } from './args';
import { withCliServices } from './cli-services';
import { findRun } from './eval-command';
import type { CliContext } from './main';

const FORMATS: readonly ExportFormat[] = ['adapter', 'merged', 'ollama', 'llama-server'];
const USAGE = `Usage: lathe export --run ID|NAME --format ${FORMATS.join('|')} [--out DIR] [--json]`;

export async function runExport(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { run: 'string', format: 'string', out: 'string', json: 'boolean' });
  if (words.length > 0 || typeof flags.run !== 'string' || typeof flags.format !== 'string') throw new UsageError(USAGE);
  const format = flags.format as ExportFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${flags.format}"\n${USAGE}`);
  const outDir = typeof flags.out === 'string' ? resolve(flags.out) : undefined;
  return withCliServices(context, async (services) => {
    const run = findRun(services, flags.run as string);
    const result = await services.exports.create(run.id, format, outDir);
    if (flags.json) {
      context.out(JSON.stringify(result));
      return 0;
    }
    const lines = ['Wrote:', ...result.files.map((file) => `  ${file}`)];
    if (result.text !== null) lines.push('', result.text.trimEnd());
    if (result.check !== null) lines.push('', `Checked through llama.cpp: largest logit difference from base + adapter ${result.check.maxAbsDiff.toExponential(2)}`);
    if (result.command !== null) lines.push('', 'Run:', `  ${result.command}`);
    context.out(lines.join('\n'));
    return 0;
  });
}
