// `npm run web [-- --port N --host H]`: installs and builds what is missing, then serves the
// app to a browser (`lathe serve`). For machines without a display.
import { ensureNodeModules, ensureSqliteForNode } from './lib/setup.mjs';
import { fail, run, say } from './lib/run.mjs';

ensureNodeModules({ gpuBuilds: true });
ensureSqliteForNode();
say('Building');
if (run('npx', ['electron-vite', 'build']) !== 0) fail('The build failed (see above).');
process.exit(run(process.execPath, ['bin/lathe.js', 'serve', ...process.argv.slice(2)]));
