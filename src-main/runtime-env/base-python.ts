/**
 * The Python a new environment is created from. It needs no torch, only a version torch has
 * wheels for and a working `venv` (Debian and Ubuntu ship that part separately as
 * python3-venv). The first candidate that runs is used, so the person's explicit choice wins.
 */
import { z } from 'zod';
import { LatheError } from '../contract';
import type { RunProcess } from '../process/run-process';
import { lastNonEmptyLine } from '../python/runtime-info';
import { majorMinor, OLDEST_PYTHON } from './torch-plan';

const BASE_SCRIPT = [
  'import json, sys, importlib.util as u',
  'print(json.dumps({"version": sys.version.split()[0], "executable": sys.executable,',
  ' "venv": u.find_spec("venv") is not None and u.find_spec("ensurepip") is not None}))',
].join('\n');

const baseSchema = z.object({ version: z.string(), executable: z.string(), venv: z.boolean() });

export interface BasePython {
  path: string;
  version: string;
  /** Whether `-m venv` can bootstrap pip (false on Debian without python3-venv). */
  venv: boolean;
}

export interface BaseCandidates {
  /** `--python` on the command line. */
  requested: string | null;
  /** The interpreter chosen on the System page. */
  chosen: string | null;
  platform: NodeJS.Platform;
  /** Interpreters inside this folder are skipped: an environment is not built from itself. */
  ownEnvDir: string;
}

/** In the order tried: what the person named, then PATH's python, then the system one. */
export function baseCandidates({ requested, chosen, platform, ownEnvDir }: BaseCandidates): string[] {
  if (requested) return [requested];
  const listed = [chosen, platform === 'win32' ? 'python' : 'python3', platform === 'win32' ? null : '/usr/bin/python3'];
  const inOwnEnv = (path: string): boolean => path.startsWith(ownEnvDir);
  return [...new Set(listed.filter((path): path is string => path !== null && !inOwnEnv(path)))];
}

/**
 * The first candidate that runs, with its version checked. Throws `not_found` when none runs
 * and `unsupported` when the one found is too old, each naming what to install.
 */
export async function findBasePython(candidates: readonly string[], runProcess: RunProcess, env: NodeJS.ProcessEnv): Promise<BasePython> {
  const tried: string[] = [];
  for (const path of candidates) {
    const result = await runProcess(path, ['-c', BASE_SCRIPT], { env, timeoutMs: 30_000 });
    const line = result.failure === null && result.code === 0 ? lastNonEmptyLine(result.stdout) : null;
    const parsed = line === null ? null : parseBase(line);
    if (parsed === null) {
      const why = result.failure === 'not_found' ? 'not found' : (result.detail ?? lastNonEmptyLine(result.stderr) ?? `exit code ${result.code}`);
      tried.push(`${path} (${why})`);
      continue;
    }
    const version = majorMinor(parsed.version);
    if (version && (version[0] < OLDEST_PYTHON[0] || (version[0] === OLDEST_PYTHON[0] && version[1] < OLDEST_PYTHON[1]))) {
      throw new LatheError(
        'unsupported',
        `${path} is Python ${parsed.version}, too old for torch (it needs Python ${OLDEST_PYTHON.join('.')} or newer). Install a newer Python and choose it on the System page, or pass --python.`,
      );
    }
    // The interpreter's own absolute path: PATH may change before the venv is made.
    return { path: parsed.executable || path, version: parsed.version, venv: parsed.venv };
  }
  throw new LatheError(
    'not_found',
    `No Python 3 to create the environment with: tried ${tried.join(', ')}. Install Python ${OLDEST_PYTHON.join('.')} or newer (python.org, or python3 and python3-venv on Debian/Ubuntu), then try again.`,
  );
}

function parseBase(line: string): z.infer<typeof baseSchema> | null {
  try {
    const parsed = baseSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
