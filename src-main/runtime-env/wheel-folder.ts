/**
 * A folder of wheels the person provides for an offline install: it must hold a torch wheel,
 * or pip would fail minutes later with a message that does not say so.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LatheError } from '../contract';

export interface WheelFolder {
  dir: string;
  bytes: number;
  hasTorch: boolean;
  hasNumpy: boolean;
}

export async function readWheelFolder(dir: string): Promise<WheelFolder> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LatheError('invalid_input', code === 'ENOENT' ? `The wheel folder ${dir} does not exist.` : code === 'ENOTDIR' ? `${dir} is a file, not a folder of wheels.` : `The wheel folder ${dir} cannot be read (${code ?? 'error'}).`);
  }
  const wheels = names.filter((name) => name.toLowerCase().endsWith('.whl'));
  let bytes = 0;
  for (const name of wheels) bytes += (await stat(join(dir, name))).size;
  // Wheel names start with the distribution name, normalised to lower case with underscores.
  const has = (project: string): boolean => wheels.some((name) => name.toLowerCase().startsWith(`${project}-`));
  return { dir, bytes, hasTorch: has('torch'), hasNumpy: has('numpy') };
}

/** The folder, refused with a clear message when it has no torch wheel. */
export async function requireTorchWheels(dir: string): Promise<WheelFolder> {
  const folder = await readWheelFolder(dir);
  if (!folder.hasTorch) {
    throw new LatheError(
      'invalid_input',
      `The wheel folder ${dir} has no torch wheel (a file named torch-<version>-….whl). Download the torch wheel for this machine's Python and GPU (pip download torch --index-url <build index> -d ${dir} on a machine with network), then try again.`,
    );
  }
  return folder;
}
