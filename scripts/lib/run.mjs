// Small helpers shared by the set-up, test, start and web scripts. Plain Node, no
// dependencies: these run before `npm install` has happened.
import { spawnSync } from 'node:child_process';

export const root = new URL('../..', import.meta.url).pathname;

export function say(text) {
  process.stdout.write(`\n▸ ${text}\n`);
}

/** Runs a command with inherited output; returns its exit status (never throws). */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...options.env },
    shell: process.platform === 'win32',
  });
  if (result.error) {
    process.stderr.write(`${command}: ${result.error.message}\n`);
    return 127;
  }
  return result.status ?? 1;
}

/** Runs a command quietly and returns whether it succeeded. */
export function succeeds(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'ignore', env: { ...process.env, ...options.env } });
  return !result.error && result.status === 0;
}

export function fail(message) {
  process.stderr.write(`\n✗ ${message}\n`);
  process.exit(1);
}
