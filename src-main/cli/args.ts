/**
 * A small, strict argument reader for the `lathe` command: words first, then `--flag` or
 * `--flag value`. Each command declares its flags; anything undeclared is an error the
 * person sees with the usage, never silently ignored.
 */
export interface FlagSpec {
  /** `boolean` flags take no value; `string` flags take the next word (or `--flag=value`). */
  [name: string]: 'boolean' | 'string';
}

export interface ParsedArgs {
  words: string[];
  flags: Record<string, string | boolean>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const words: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const kind = spec[name];
    if (!kind) throw new UsageError(`Unknown option --${name}`);
    if (kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || (eq === -1 && value.startsWith('--'))) {
      throw new UsageError(`--${name} needs a value`);
    }
    flags[name] = value;
  }
  return { words, flags };
}

export function portFlag(value: string | boolean | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${String(value)}"`);
  return port;
}
