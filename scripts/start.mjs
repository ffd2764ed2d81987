// `npm start`: installs and builds what is missing and opens the desktop window. Where the
// Electron binary cannot be had (no access to its download) or there is no display, it
// says so and points to `npm run web`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeModules } from './lib/setup.mjs';
import { ensureSqliteForElectron } from '../native/sqlite-abi.mjs';
import { fail, root, run, say, succeeds } from './lib/run.mjs';

ensureNodeModules({ gpuBuilds: true });
say('Building');
if (run('npx', ['electron-vite', 'build']) !== 0) fail('The build failed (see above).');

const electronDir = join(root, 'node_modules', 'electron');
const hasBinary = () => {
  const pathFile = join(electronDir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));
};
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  fail('There is no display to open a window on.\n  Run the app in a browser instead:  npm run web');
}
if (!hasBinary()) {
  say("Downloading Electron's binary");
  succeeds(process.execPath, [join(electronDir, 'install.js')], { env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '' } });
}
if (!hasBinary()) {
  fail("Electron's binary is not installed and could not be downloaded on this machine.\n  Run the app in a browser instead:  npm run web");
}
ensureSqliteForElectron(JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version);
process.exit(run('npx', ['electron-vite', 'preview']));
