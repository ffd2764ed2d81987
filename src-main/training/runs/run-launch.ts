/**
 * How a run's trainer is started: the run.json the runtime reads, the command line and the
 * environment. The command is always an argument array (DESIGN §6).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const RUN_CONFIG_FILE = 'run.json';

/**
 * `--stop-when-stdin-closes`: if the app dies, the trainer sees its stdin end and stops as if
 * told `stop` (checkpoint, then exit), so no orphan keeps writing into the run's folder.
 */
export function trainerArgs(options: { resume: boolean }): string[] {
  const args = ['-m', 'lathe_runtime', 'train', '--config', RUN_CONFIG_FILE, '--stop-when-stdin-closes'];
  if (options.resume) args.push('--resume');
  return args;
}

/**
 * The runtime package comes from the app (PYTHONPATH); events must not sit in Python's
 * buffer (PYTHONUNBUFFERED); and CUDA numbers GPUs fastest-first by default while nvidia-smi,
 * whose numbers the person sees, uses PCI order (CUDA_DEVICE_ORDER).
 */
export function trainerEnv(base: NodeJS.ProcessEnv, runtimeDir: string): NodeJS.ProcessEnv {
  return { ...base, PYTHONPATH: runtimeDir, PYTHONUNBUFFERED: '1', CUDA_DEVICE_ORDER: 'PCI_BUS_ID' };
}

export async function writeRunConfig(dir: string, runJson: Record<string, unknown>): Promise<string> {
  const file = join(dir, RUN_CONFIG_FILE);
  await writeFile(file, `${JSON.stringify(runJson, null, 2)}\n`);
  return file;
}
