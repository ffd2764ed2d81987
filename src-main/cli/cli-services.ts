/** Starting Lathe's services from a command: the same composition root the window uses. */
import { startLatheServices, type LatheServices } from '../app/lathe-services';
import type { CliContext } from './main';

export function logToStderr(where: string, error: unknown): void {
  process.stderr.write(`[${where}] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
}

/** `longLived`: `lathe serve`, which keeps running and so continues unfinished downloads. */
export function startCliServices(context: CliContext, { longLived = false }: { longLived?: boolean } = {}): Promise<LatheServices> {
  return startLatheServices({
    dataDir: context.dataDir,
    paths: context.paths,
    env: context.env,
    platform: process.platform,
    version: context.version,
    transport: 'web',
    logError: logToStderr,
    resumeDownloads: longLived,
  });
}

/** Runs `work` with the services and always closes them (watchers, the inference worker, the catalog). */
export async function withCliServices<T>(context: CliContext, work: (services: LatheServices) => Promise<T>): Promise<T> {
  const services = await startCliServices(context);
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}
