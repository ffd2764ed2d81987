/**
 * The report `python -m lathe_runtime info` prints (python-runtime/lathe_runtime/info.py),
 * checked at runtime: it comes from another program, possibly an older copy of the runtime
 * or something that only pretends to be Python.
 */
import { z } from 'zod';

const torchInfoSchema = z.object({
  version: z.string(),
  cuda_available: z.boolean(),
  cuda_version: z.string().nullable(),
  cuda_devices: z.array(z.string()),
  cuda_bf16: z.boolean(),
  cuda_error: z.string().nullable(),
  mps_available: z.boolean(),
  num_threads: z.number().int(),
  sdpa: z.boolean(),
});

const runtimeInfoSchema = z.object({
  lathe_runtime: z.string(),
  python: z.object({ version: z.string(), executable: z.string() }),
  torch: torchInfoSchema.nullable(),
  torch_error: z.string().nullable(),
});

export type RuntimeInfo = z.infer<typeof runtimeInfoSchema>;
export type TorchInfo = z.infer<typeof torchInfoSchema>;

/**
 * Reads the report from the probe's stdout, or null when there is none. The report is the
 * last non-empty line: the runtime prints only that line, but a `sitecustomize` or a
 * startup hook of the person's Python may print before it.
 */
export function parseRuntimeInfo(stdout: string): RuntimeInfo | null {
  const lastLine = lastNonEmptyLine(stdout);
  if (lastLine === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(lastLine);
  } catch {
    return null;
  }
  const parsed = runtimeInfoSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** The last line with something on it, trimmed; null for empty output. */
export function lastNonEmptyLine(text: string): string | null {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  return lines.filter((line) => line !== '').at(-1) ?? null;
}
