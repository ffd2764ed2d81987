/**
 * Names that come from the Hub or from a person typing `REPO:FILE`: checked before they
 * reach a URL, and never used to name anything on disk (downloads are stored under ids;
 * the finished file gets `safeModelFileName` of the last path part). A file path with `..`,
 * a backslash or a leading slash is refused outright rather than cleaned, so what is
 * downloaded is exactly what was asked for.
 */
import { LatheError } from '../../contract';

const REPO_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** `owner/name`, as the Hub spells repository ids; throws `invalid_input` otherwise. */
export function checkRepoId(repo: string): string {
  const parts = repo.split('/');
  const valid = parts.length === 2 && parts.every((part) => REPO_PART.test(part) && !part.includes('..'));
  if (!valid) throw new LatheError('invalid_input', `"${repo}" is not a Hugging Face repository id; write it as owner/name, e.g. Qwen/Qwen2.5-0.5B-Instruct-GGUF.`);
  return repo;
}

/** A GGUF file's path inside a repository: folders allowed, nothing that climbs out or names a drive. */
export function checkRepoFilePath(path: string): string {
  const segments = path.split('/');
  const bad =
    path.includes('\\') ||
    [...path].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f') ||
    /^[A-Za-z]:/.test(path) ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad) throw new LatheError('invalid_input', `"${path}" is not a file path inside a repository (no "..", backslashes, leading or doubled slashes).`);
  if (!isGgufName(path)) throw new LatheError('invalid_input', `"${path}" is not a GGUF file; Lathe downloads .gguf files only.`);
  return path;
}

/** The path as it goes into a URL: each segment encoded, the slashes kept. */
export function encodeRepoFilePath(path: string): string {
  return checkRepoFilePath(path).split('/').map(encodeURIComponent).join('/');
}

export function isGgufName(path: string): boolean {
  return path.toLowerCase().endsWith('.gguf');
}

/** `REPO` or `REPO:FILE` from the command line. */
export function parseRepoAndFile(text: string): { repo: string; file: string | null } {
  const colon = text.indexOf(':');
  if (colon === -1) return { repo: checkRepoId(text), file: null };
  return { repo: checkRepoId(text.slice(0, colon)), file: checkRepoFilePath(text.slice(colon + 1)) };
}

/** One part of a model split by llama.cpp's gguf-split (`…-00001-of-00003.gguf`). */
export function isSplitPart(path: string): boolean {
  return /-\d{5}-of-\d{5}\.gguf$/i.test(path);
}

/**
 * Quantization names llama.cpp gives its files, longest first so `Q4_K_M` wins over `Q4_K`.
 * Bits per weight are the averages of llama.cpp's own quantize table (mixed formats keep
 * some tensors wider), used to guess the parameter count from the file size.
 */
const BITS_PER_WEIGHT: Record<string, number> = {
  F32: 32,
  F16: 16,
  BF16: 16,
  Q8_0: 8.5,
  Q6_K: 6.56,
  Q5_K_M: 5.69,
  Q5_K_S: 5.54,
  Q5_1: 6,
  Q5_0: 5.5,
  Q5_K: 5.5,
  Q4_K_M: 4.85,
  Q4_K_S: 4.58,
  Q4_1: 5,
  Q4_0: 4.5,
  Q4_K: 4.5,
  IQ4_NL: 4.5,
  IQ4_XS: 4.25,
  Q3_K_L: 4.27,
  Q3_K_M: 3.91,
  Q3_K_S: 3.5,
  Q3_K: 3.91,
  IQ3_M: 3.66,
  IQ3_S: 3.44,
  IQ3_XS: 3.3,
  IQ3_XXS: 3.06,
  Q2_K_S: 2.97,
  Q2_K: 3.35,
  IQ2_M: 2.7,
  IQ2_S: 2.5,
  IQ2_XS: 2.31,
  IQ2_XXS: 2.06,
  IQ1_M: 1.75,
  IQ1_S: 1.56,
  TQ2_0: 2.06,
  TQ1_0: 1.69,
  MXFP4: 4.25,
};

const QUANT_NAMES = Object.keys(BITS_PER_WEIGHT).sort((a, b) => b.length - a.length);

/** `Llama-3.2-1B-Instruct-Q4_K_M.gguf` → `Q4_K_M`; null when the name says nothing. */
export function quantizationFromName(path: string): string | null {
  const name = (path.split('/').pop() ?? path).toUpperCase();
  for (const quant of QUANT_NAMES) {
    const at = name.lastIndexOf(quant);
    if (at === -1) continue;
    const before = name[at - 1] ?? '';
    const after = name[at + quant.length] ?? '';
    if (/^[-_.]?$/.test(before) && /^[-_.]?$/.test(after)) return quant;
  }
  return null;
}

/** Average bits per weight of a quantization; null for names Lathe does not know. */
export function bitsPerWeight(quantization: string | null): number | null {
  return quantization === null ? null : (BITS_PER_WEIGHT[quantization] ?? null);
}
