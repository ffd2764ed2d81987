/**
 * Command lines a person copies into a terminal, quoted for the platform they will paste them
 * into: POSIX shells (single quotes, a quote inside written '\'') and Windows (double quotes,
 * which both cmd.exe and PowerShell read as one argument; a path there cannot hold a `"`).
 * Pure functions of the platform, so every rule is tested on every machine.
 */
const POSIX_PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;
const WINDOWS_PLAIN = /^[A-Za-z0-9_@+=:,.\\/-]+$/;

export function quoteArgument(argument: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    if (argument !== '' && WINDOWS_PLAIN.test(argument)) return argument;
    return `"${argument.replaceAll('"', '""')}"`;
  }
  if (argument !== '' && POSIX_PLAIN.test(argument)) return argument;
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

export function commandLine(args: readonly string[], platform: NodeJS.Platform): string {
  return args.map((argument) => quoteArgument(argument, platform)).join(' ');
}

/** A name Ollama accepts for a model (lowercase letters, digits, `-`, `_`, `.`) from a run's name. */
export function ollamaModelName(runName: string): string {
  return (
    runName
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[-._]+|[-._]+$/g, '')
      .slice(0, 60) || 'lathe-adapter'
  );
}
