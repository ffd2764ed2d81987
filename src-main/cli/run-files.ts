/**
 * A run's files as `lathe train` and `lathe demo` use them: following its events.jsonl as it
 * grows (what `--json` prints), and copying the finished adapter out.
 */
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export const EVENTS_FILE = 'events.jsonl';
/** The runtime writes the PEFT export beside adapter.gguf (docs/training-runtime.md). */
export const PEFT_FOLDER = 'adapter-peft';

/**
 * Calls `onLine` with each complete line appended to `file`, from its start, until `stop()`;
 * `stop()` reads what is left first. Polled: file watching misses appends on some file systems.
 */
export function followLines(file: string, onLine: (line: string) => void, everyMs = 200): { stop(): Promise<void> } {
  let offset = 0;
  let partial = '';
  let reading: Promise<void> = Promise.resolve();
  const readMore = async (): Promise<void> => {
    if (!existsSync(file)) return;
    const handle = await open(file, 'r');
    try {
      for (;;) {
        const buffer = Buffer.alloc(64 * 1024);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        partial += buffer.toString('utf8', 0, bytesRead);
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') onLine(line);
      }
    } finally {
      await handle.close();
    }
  };
  const tick = (): void => {
    reading = reading.then(readMore).catch(() => {});
  };
  const timer = setInterval(tick, everyMs);
  tick();
  return {
    async stop() {
      clearInterval(timer);
      tick();
      await reading;
    },
  };
}

/** Copies adapter.gguf and, when there is one, its PEFT folder into `outDir`; returns the copied paths. */
export async function copyAdapterOut(adapterPath: string, outDir: string): Promise<string[]> {
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  const copied = [join(out, basename(adapterPath))];
  await copyFile(adapterPath, copied[0] as string);
  const peft = join(dirname(adapterPath), PEFT_FOLDER);
  if (existsSync(peft)) {
    await cp(peft, join(out, PEFT_FOLDER), { recursive: true });
    copied.push(join(out, PEFT_FOLDER));
  }
  return copied;
}
