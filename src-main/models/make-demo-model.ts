/**
 * Makes a small random-weight demo model through the Python runtime's `make-model` command,
 * with the interpreter Python discovery chose. Used by `lathe model make-demo`, the demo and
 * the tests: no model can be downloaded on the machines Lathe is built and tested on.
 */
import { LatheError } from '../contract';
import { runProcess } from '../process/run-process';
import { PythonDiscovery } from '../python/python-discovery';
import { probeEnv } from '../python/probe-python';

export interface MakeDemoModelOptions {
  out: string;
  arch: string;
  size: string;
  dtype: string;
  seed?: string | undefined;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  runtimeDir: string;
}

/** Returns the runtime's one-line JSON description of the file it wrote. */
export async function makeDemoModel(options: MakeDemoModelOptions): Promise<string> {
  const discovery = new PythonDiscovery({ runProcess, env: options.env, platform: process.platform, dataDir: options.dataDir, runtimeDir: options.runtimeDir });
  const python = await discovery.report();
  if (python.state !== 'ready' || !python.python) {
    throw new LatheError('unavailable', `Making a demo model needs Python with torch. ${python.advice ?? ''}`.trim());
  }
  const args = ['-m', 'lathe_runtime', 'make-model', '--out', options.out, '--arch', options.arch, '--size', options.size, '--dtype', options.dtype];
  if (options.seed !== undefined) args.push('--seed', options.seed);
  const result = await runProcess(python.python, args, { env: probeEnv(options.env, options.runtimeDir, process.platform), timeoutMs: 300_000 });
  if (result.code === 2) throw new LatheError('invalid_input', result.stderr.trim() || 'make-model refused its arguments.');
  if (result.code !== 0) {
    throw new LatheError('internal', `make-model failed: ${result.stderr.trim().split('\n').pop() ?? result.detail ?? 'no output'}`, result.stderr);
  }
  return result.stdout.trim();
}
