/**
 * Where the app's own files are, seen from the built main bundle (out/main/*.js). In a
 * packaged app the python runtime and the bundled samples sit in the resources folder
 * instead; the Electron entry passes those paths in.
 */
import { fileURLToPath } from 'node:url';

export interface AppPaths {
  rendererDir: string;
  preloadFile: string;
  runtimeDir: string;
  inferenceWorker: string;
  /** The sample datasets shipped with Lathe (build/samples/ in the source tree). */
  samplesDir: string;
}

export function appPathsFromBundle(bundleUrl: string): AppPaths {
  const at = (relative: string): string => fileURLToPath(new URL(relative, bundleUrl));
  return {
    rendererDir: at('../renderer'),
    preloadFile: at('../preload/index.cjs'),
    runtimeDir: at('../../python-runtime'),
    inferenceWorker: at('./inference-worker.js'),
    samplesDir: at('../../build/samples'),
  };
}
