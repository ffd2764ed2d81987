// better-sqlite3 is the one native module: Node (tests, `lathe` CLI) and Electron (the
// window) need it built for their own ABI. This keeps track of which build is in place and
// rebuilds only on a switch. Packaged apps get theirs rebuilt for Electron at packaging time.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, root, run, say } from '../scripts/lib/run.mjs';

const MARK = join(root, 'node_modules', 'better-sqlite3', 'build', '.lathe-target');

function currentTarget() {
  return existsSync(MARK) ? readFileSync(MARK, 'utf8') : `node-${process.versions.modules}`;
}

export function ensureSqliteForElectron(electronVersion) {
  const target = `electron-${electronVersion}`;
  if (currentTarget() === target) return;
  say(`Building better-sqlite3 for Electron ${electronVersion}`);
  const status = run('npm', ['rebuild', 'better-sqlite3'], {
    env: {
      npm_config_runtime: 'electron',
      npm_config_target: electronVersion,
      npm_config_disturl: 'https://electronjs.org/headers',
    },
  });
  if (status !== 0) fail('better-sqlite3 could not be built for Electron (see above).');
  writeFileSync(MARK, target);
}

/** Called by the Node-side set-up after a rebuild for Node. */
export function markSqliteForNode() {
  if (existsSync(join(root, 'node_modules', 'better-sqlite3', 'build'))) writeFileSync(MARK, `node-${process.versions.modules}`);
}
