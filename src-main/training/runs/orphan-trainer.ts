/**
 * A trainer left running by an app that died. It saw its stdin close and is stopping on its
 * own (`--stop-when-stdin-closes`: checkpoint, then exit); until it has exited, nothing may
 * start another trainer in its run folder. The pid recorded for the run is checked to still be
 * that trainer before anything is sent to it: pids are reused.
 */
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';

export type TrainerCheck = 'gone' | 'ours' | 'unknown';

/**
 * Whether `pid` is still the trainer of the run in `dir`. On Linux the process's working
 * folder and command line prove it (a reused pid is someone else's process and is left alone);
 * elsewhere a live pid is `unknown`, and the caller only waits for it.
 */
export function checkTrainer(pid: number, dir: string, platform: NodeJS.Platform = process.platform): TrainerCheck {
  if (!isAlive(pid)) return 'gone';
  if (platform !== 'linux') return 'unknown';
  try {
    // A zombie (exited, not yet reaped by whoever adopted it) has no working folder left.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    if (state === 'Z' || state === 'X') return 'gone';
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cwd === realpathSync(dir) && command.includes('lathe_runtime') ? 'ours' : 'gone';
  } catch {
    return isAlive(pid) ? 'unknown' : 'gone';
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops a trainer the dead app left behind: it has already seen its stdin close and is
 * stopping (it writes a checkpoint first); SIGTERM asks the same where stdin did not reach it.
 * After `graceMs` a trainer proven ours is killed; an unproven one is only waited for.
 */
export async function stopOrphanTrainer(pid: number, dir: string, options: { graceMs?: number; pollMs?: number } = {}): Promise<void> {
  const graceMs = options.graceMs ?? 60_000;
  const pollMs = options.pollMs ?? 200;
  const first = checkTrainer(pid, dir);
  if (first === 'gone') return;
  if (first === 'ours') signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    if (checkTrainer(pid, dir) === 'gone') return;
  }
  if (checkTrainer(pid, dir) === 'ours') signal(pid, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone in the meantime.
  }
}
