/**
 * The composition root: builds every main-process service from plain inputs (paths,
 * environment, platform) and wires them to the contract's handlers. The Electron entry and
 * the command line (`lathe serve`, `lathe system info`) both start Lathe through here, so
 * the window and the browser see the same services.
 */
import { join } from 'node:path';
import { openCatalog, type Catalog } from '../catalog/catalog';
import { HardwareService } from '../hardware/hardware-service';
import { PythonDiscovery } from '../python/python-discovery';
import { runProcess } from '../process/run-process';
import type { AppInfo } from '../contract';
import type { Handlers } from '../transport/contract-server';
import { ensureWritableDataDir } from './data-dir';

export interface LatheServicesOptions {
  dataDir: string;
  /** The python-runtime/ folder (inside the app's resources when packaged). */
  runtimeDir: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  version: string;
  transport: AppInfo['transport'];
  logError?: (context: string, error: unknown) => void;
}

export interface LatheServices {
  catalog: Catalog;
  hardware: HardwareService;
  python: PythonDiscovery;
  handlers: Handlers;
  close(): void;
}

export async function startLatheServices(options: LatheServicesOptions): Promise<LatheServices> {
  await ensureWritableDataDir(options.dataDir);
  const catalog = openCatalog(join(options.dataDir, 'catalog.sqlite'));
  const hardware = new HardwareService({ runProcess, dataDir: options.dataDir, logError: options.logError });
  const python = new PythonDiscovery({
    runProcess,
    env: options.env,
    platform: options.platform,
    dataDir: options.dataDir,
    runtimeDir: options.runtimeDir,
  });
  const appInfo: AppInfo = { version: options.version, dataDir: options.dataDir, transport: options.transport };

  const handlers: Handlers = {
    'app.info': () => appInfo,
    'system.hardware': () => hardware.report(),
    'system.python': ({ refresh }) => python.report({ refresh: refresh ?? false }),
    'system.info': async () => {
      const [hardwareReport, pythonReport] = await Promise.all([hardware.report(), python.report()]);
      return { hardware: hardwareReport, python: pythonReport };
    },
    'system.watchUsage': ({ intervalMs }, emit) => hardware.watchUsage(intervalMs, emit),
  };

  return { catalog, hardware, python, handlers, close: () => catalog.close() };
}
