/** `lathe serve`: the app in a browser, over the web transport. Runs until interrupted. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LatheError } from '../contract';
import { logToStderr, startCliServices } from './cli-services';
import { ContractServer } from '../transport/contract-server';
import { chooseAccessToken } from '../web/access-token';
import { startWebServer } from '../web/web-server';
import { parseArgs, portFlag, UsageError } from './args';
import type { CliContext } from './main';

export async function runServe(argv: string[], context: CliContext): Promise<number> {
  const { words, flags } = parseArgs(argv, { port: 'string', host: 'string' });
  if (words.length > 0) throw new UsageError(`serve takes no words, got "${words.join(' ')}"`);
  const host = typeof flags.host === 'string' ? flags.host : '127.0.0.1';
  const port = portFlag(flags.port, 7860);
  if (!existsSync(join(context.paths.rendererDir, 'index.html'))) {
    throw new LatheError('not_found', `The UI is not built (${context.paths.rendererDir}). Run: npm run build`);
  }
  const logError = logToStderr;
  const services = await startCliServices(context, { longLived: true });
  const server = await startWebServer({
    host,
    port,
    token: chooseAccessToken(context.env),
    staticDir: context.paths.rendererDir,
    contract: new ContractServer(services.handlers, { logError }),
    uploads: services.uploads,
    logError,
  });
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    process.stderr.write(`Warning: listening on ${host}: anyone who can reach this port and has the token can drive Lathe.\n`);
  }
  context.out(`Lathe is serving at ${server.url}`);
  context.out(`Data folder: ${context.dataDir}`);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await services.close();
  return 0;
}
