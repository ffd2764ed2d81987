/**
 * Ollama keeps GGUF weights as content-addressed blobs (`blobs/sha256-<hex>`) and names
 * them only in manifests at `manifests/<registry>/<namespace>/<model>/<tag>` (OCI-style
 * JSON; the weights are the layer of media type `application/vnd.ollama.image.model`).
 * Reading the manifests gives each blob the name the person knows it by (`llama3.2:3b`)
 * and its SHA-256 for free, since the blob is named by its digest and Ollama checks it
 * when it pulls.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';

export const OLLAMA_MODEL_MEDIA_TYPE = 'application/vnd.ollama.image.model';
const DEFAULT_REGISTRY = 'registry.ollama.ai';
/** Real manifests are a few hundred bytes; anything this big is not one. */
const MAX_MANIFEST_BYTES = 256 * 1024;

const manifestSchema = z.object({
  layers: z.array(z.object({ mediaType: z.string().max(500), digest: z.string().max(500) })).max(10_000),
});

/** One GGUF blob and every name that points at it. */
export interface OllamaModelFile {
  blobPath: string;
  sha256: string;
  /** The preferred name first (an explicit tag before `:latest`). */
  names: string[];
}

export interface OllamaScan {
  models: OllamaModelFile[];
  /** Manifests that were skipped, with why. */
  notes: { path: string; reason: string }[];
}

/** The name `ollama list` shows: `llama3.2:3b`, `someone/model:tag`, `hf.co/org/repo:Q4_K_M`. */
export function ollamaModelName(registry: string, namespace: string, model: string, tag: string): string {
  if (registry === DEFAULT_REGISTRY) return namespace === 'library' ? `${model}:${tag}` : `${namespace}/${model}:${tag}`;
  return `${registry}/${namespace}/${model}:${tag}`;
}

/** The weights' digest (hex) from a manifest's text, or why there is none. */
export function parseOllamaManifest(text: string): { sha256: string } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'not JSON' };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) return { problem: 'not an Ollama manifest (no layers list)' };
  const layer = parsed.data.layers.find((l) => l.mediaType === OLLAMA_MODEL_MEDIA_TYPE);
  if (!layer) return { problem: 'has no model weights layer' };
  const match = /^sha256:([0-9a-f]{64})$/.exec(layer.digest);
  if (!match?.[1]) return { problem: `has a model layer with an unexpected digest "${layer.digest.slice(0, 80)}"` };
  return { sha256: match[1] };
}

/** The SHA-256 an Ollama blob is named by, or null for any other file. */
export function ollamaBlobSha256(path: string): string | null {
  const match = /^sha256[-:]([0-9a-f]{64})$/.exec(basename(path));
  return match?.[1] ?? null;
}

/** Whether a folder is laid out as an Ollama model store. */
export async function isOllamaStore(root: string): Promise<boolean> {
  const [manifests, blobs] = await Promise.all([isDirectory(join(root, 'manifests')), isDirectory(join(root, 'blobs'))]);
  return manifests && blobs;
}

export async function readOllamaManifests(root: string): Promise<OllamaScan> {
  const notes: OllamaScan['notes'] = [];
  const byBlob = new Map<string, OllamaModelFile>();
  for (const manifest of await manifestFiles(join(root, 'manifests'))) {
    const result = await readManifest(manifest.path);
    if ('problem' in result) {
      notes.push({ path: manifest.path, reason: `Ollama manifest skipped: it ${result.problem}.` });
      continue;
    }
    const blobPath = await findBlob(root, result.sha256);
    if (!blobPath) {
      notes.push({ path: manifest.path, reason: `Ollama manifest skipped: its weights blob sha256-${result.sha256} is not in ${join(root, 'blobs')}.` });
      continue;
    }
    const entry = byBlob.get(blobPath) ?? { blobPath, sha256: result.sha256, names: [] };
    entry.names.push(manifest.name);
    byBlob.set(blobPath, entry);
  }
  const models = [...byBlob.values()].map((m) => ({ ...m, names: preferredOrder(m.names) }));
  return { models, notes };
}

async function readManifest(path: string): Promise<{ sha256: string } | { problem: string }> {
  try {
    const info = await stat(path);
    if (info.size > MAX_MANIFEST_BYTES) return { problem: `is ${info.size} bytes, too big to be a manifest` };
    return parseOllamaManifest(await readFile(path, 'utf8'));
  } catch (error) {
    return { problem: `could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
}

/** Manifests sit exactly four folders down: registry, namespace, model, then the tag file. */
async function manifestFiles(manifestsDir: string): Promise<{ path: string; name: string }[]> {
  const found: { path: string; name: string }[] = [];
  for (const registry of await subdirectories(manifestsDir)) {
    for (const namespace of await subdirectories(join(manifestsDir, registry))) {
      for (const model of await subdirectories(join(manifestsDir, registry, namespace))) {
        const modelDir = join(manifestsDir, registry, namespace, model);
        for (const tag of await files(modelDir)) {
          found.push({ path: join(modelDir, tag), name: ollamaModelName(registry, namespace, model, tag) });
        }
      }
    }
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** Early Ollama releases named blobs `sha256:<hex>`, which Windows cannot store; current ones use `-`. */
async function findBlob(root: string, sha256: string): Promise<string | null> {
  for (const name of [`sha256-${sha256}`, `sha256:${sha256}`]) {
    const path = join(root, 'blobs', name);
    if (await isFile(path)) return path;
  }
  return null;
}

function preferredOrder(names: string[]): string[] {
  const isLatest = (name: string): number => (name.endsWith(':latest') ? 1 : 0);
  return [...names].sort((a, b) => isLatest(a) - isLatest(b) || a.localeCompare(b));
}

async function subdirectories(dir: string): Promise<string[]> {
  return (await entries(dir)).filter((e) => e.isDirectory()).map((e) => e.name);
}

async function files(dir: string): Promise<string[]> {
  return (await entries(dir)).filter((e) => e.isFile()).map((e) => e.name);
}

async function entries(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}
