/**
 * Builds the three Electron targets from our own folders (not electron-vite's defaults).
 * The main build also emits the command-line entry (`out/main/cli.js`), which runs in
 * plain Node: `lathe serve`, `lathe system info` and friends share the main-process
 * services with the window; the inference worker (`out/main/inference-worker.js`), the
 * child process that hosts llama.cpp; and the dataset-preparing worker
 * (`out/main/dataset-prepare-worker.js`), which tokenizes with llama.cpp off the main process.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('src-main/electron/entry.ts'),
          cli: resolve('src-main/cli/main.ts'),
          'inference-worker': resolve('src-main/inference/inference-worker.ts'),
          'dataset-prepare-worker': resolve('src-main/datasets/prepare/prepare-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require packages, so zod and the contract are bundled in.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
