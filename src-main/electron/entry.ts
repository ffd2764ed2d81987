/**
 * The Electron entry: one window over the same services the command line uses. Kept thin on
 * purpose; everything it starts is plain Node code tested outside Electron.
 */
import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LatheError } from '../contract';
import { chooseDataDir } from '../app/data-dir';
import { startLatheServices, type LatheServices } from '../app/lathe-services';
import { appPathsFromBundle } from '../app/paths';
import { ContractServer } from '../transport/contract-server';
import { electronShell } from './electron-shell';
import { registerIpc } from './ipc';
import { lockDownContents, lockDownSessions } from './security';

const paths = appPathsFromBundle(import.meta.url);
// Packaged builds keep python-runtime/ beside the app's resources (build/ copies it there).
const runtimeDir = app.isPackaged ? join(process.resourcesPath, 'python-runtime') : paths.runtimeDir;
const samplesDir = app.isPackaged ? join(process.resourcesPath, 'samples') : paths.samplesDir;
// The worker is forked from the app bundle; inside an asar archive Electron's Node reads it as a file.
const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(paths.rendererDir, 'index.html')).href;
const logError = (where: string, error: unknown): void => console.error(`[${where}]`, error);

let services: LatheServices | null = null;

async function openWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 900,
    minHeight: 600,
    title: 'Lathe',
    show: false,
    webPreferences: {
      preload: paths.preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(rendererUrl);
}

async function start(): Promise<void> {
  lockDownContents(rendererUrl);
  await app.whenReady();
  lockDownSessions();
  try {
    services = await startLatheServices({
      dataDir: process.env.LATHE_DATA_DIR ?? chooseDataDir({ env: process.env, platform: process.platform, home: app.getPath('home') }),
      paths: { runtimeDir, inferenceWorker: paths.inferenceWorker, samplesDir },
      desktop: electronShell,
      env: process.env,
      platform: process.platform,
      version: app.getVersion(),
      transport: 'electron',
      logError,
    });
  } catch (error) {
    const message = error instanceof LatheError ? error.message : String(error);
    dialog.showErrorBox('Lathe cannot start', message);
    app.exit(1);
    return;
  }
  registerIpc(new ContractServer(services.handlers, { logError }), rendererUrl);
  await openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => void services?.close());

start().catch((error: unknown) => {
  logError('startup', error);
  app.exit(1);
});
