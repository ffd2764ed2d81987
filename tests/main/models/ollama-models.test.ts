/**
 * Ollama's store on disk, built the way Ollama lays it out: manifests/<registry>/<namespace>/
 * <model>/<tag> naming blobs/sha256-<hex>. The blobs are real demo GGUFs named by their real
 * digests, so the library reads them exactly as it would Ollama's.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelFacts } from '../../../src-main/contract';
import { withAppName } from '../../../src-main/models/model-display-name';
import { suggestedFolderId } from '../../../src-main/models/model-folders';
import { ollamaModelName, parseOllamaManifest, readOllamaManifests } from '../../../src-main/models/ollama-manifests';
import { makeDemoModel, type DemoModelOptions } from '../helpers/demo-model';
import { buildGguf } from './gguf/gguf-test-writer';
import { tinyModelSpec } from './gguf/tiny-model';
import { byPath, closeFixtures, libraryFixture, placeGguf, waitFor } from './library-fixture';

afterEach(closeFixtures);

const MODEL = 'application/vnd.ollama.image.model';
const TEMPLATE = 'application/vnd.ollama.image.template';

function manifest(layers: { mediaType: string; digest: string }[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 485 },
    layers: layers.map((l) => ({ ...l, size: 1 })),
  });
}

function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Puts a demo GGUF in the store as a blob and returns its digest. */
async function addBlob(store: string, options: DemoModelOptions): Promise<string> {
  const source = await makeDemoModel(options);
  const sha = createHash('sha256').update(readFileSync(source)).digest('hex');
  mkdirSync(join(store, 'blobs'), { recursive: true });
  copyFileSync(source, join(store, 'blobs', `sha256-${sha}`));
  return sha;
}

async function ollamaStore(root: string) {
  const store = join(root, 'ollama-models');
  const llama = await addBlob(store, { arch: 'llama' });
  const qwen = await addBlob(store, { arch: 'qwen2' });
  const template = createHash('sha256').update('{{ .Prompt }}').digest('hex');
  write(join(store, 'blobs', `sha256-${template}`), '{{ .Prompt }}');
  const m = (...parts: string[]) => join(store, 'manifests', ...parts);
  const llamaLayers = [
    { mediaType: MODEL, digest: `sha256:${llama}` },
    { mediaType: TEMPLATE, digest: `sha256:${template}` },
  ];
  write(m('registry.ollama.ai', 'library', 'llama3.2', '3b'), manifest(llamaLayers));
  write(m('registry.ollama.ai', 'library', 'llama3.2', 'latest'), manifest(llamaLayers));
  write(m('hf.co', 'someone', 'SmolQwen-GGUF', 'Q8_0'), manifest([{ mediaType: MODEL, digest: `sha256:${qwen}` }]));
  write(m('registry.ollama.ai', 'library', 'broken', 'latest'), '{"layers": [');
  write(m('registry.ollama.ai', 'library', 'template-only', 'latest'), manifest([{ mediaType: TEMPLATE, digest: `sha256:${template}` }]));
  write(m('registry.ollama.ai', 'library', 'lost', 'latest'), manifest([{ mediaType: MODEL, digest: `sha256:${'d'.repeat(64)}` }]));
  return { store, llama, qwen, template };
}

describe('Ollama manifests', () => {
  it('names models the way `ollama list` does', () => {
    expect(ollamaModelName('registry.ollama.ai', 'library', 'llama3.2', '3b')).toBe('llama3.2:3b');
    expect(ollamaModelName('registry.ollama.ai', 'someone', 'tuned', 'latest')).toBe('someone/tuned:latest');
    expect(ollamaModelName('hf.co', 'bartowski', 'Llama-3.2-1B-Instruct-GGUF', 'Q4_K_M')).toBe('hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M');
  });

  it.each([
    ['not JSON', '{nope', 'not JSON'],
    ['no layers', '{"schemaVersion":2}', 'no layers'],
    ['layers of the wrong shape', '{"layers":[{"mediaType":1}]}', 'no layers'],
    ['no model layer', manifest([{ mediaType: TEMPLATE, digest: `sha256:${'a'.repeat(64)}` }]), 'no model weights'],
    ['a digest that is not sha256 hex', manifest([{ mediaType: MODEL, digest: 'sha256:../../etc/passwd' }]), 'unexpected digest'],
  ])('refuses a manifest with %s', (_label, text, problem) => {
    expect(parseOllamaManifest(text)).toEqual({ problem: expect.stringContaining(problem) });
  });

  it('reads the weights digest of a real-shaped manifest', () => {
    expect(parseOllamaManifest(manifest([{ mediaType: MODEL, digest: `sha256:${'a'.repeat(64)}` }]))).toEqual({ sha256: 'a'.repeat(64) });
  });

  it('maps every blob to its names and notes the manifests it skipped', async () => {
    const { root } = await libraryFixture();
    const { store, llama, qwen } = await ollamaStore(root);
    write(join(store, 'manifests', 'registry.ollama.ai', 'library', 'huge', 'latest'), ' '.repeat(300 * 1024));
    const scan = await readOllamaManifests(store);
    expect(scan.models).toEqual(
      expect.arrayContaining([
        { blobPath: join(store, 'blobs', `sha256-${llama}`), sha256: llama, names: ['llama3.2:3b', 'llama3.2:latest'] },
        { blobPath: join(store, 'blobs', `sha256-${qwen}`), sha256: qwen, names: ['hf.co/someone/SmolQwen-GGUF:Q8_0'] },
      ]),
    );
    expect(scan.models).toHaveLength(2);
    const skipped = scan.notes.map((n) => n.path.split('/').slice(-2).join('/'));
    expect(skipped.sort()).toEqual(['broken/latest', 'huge/latest', 'lost/latest', 'template-only/latest']);
    expect(scan.notes.find((n) => n.path.includes('huge'))?.reason).toContain('too big');
  });

  it('uses the Ollama name only where the GGUF has no name of its own', () => {
    const facts = { displayName: 'sha256-abc' } as ModelFacts;
    expect(withAppName(facts, '/o/blobs/sha256-abc', 'llama3.2:3b').displayName).toBe('llama3.2:3b');
    expect(withAppName({ ...facts, displayName: 'Llama 3.2 3B Instruct' }, '/o/blobs/sha256-abc', 'llama3.2:3b').displayName).toBe('Llama 3.2 3B Instruct');
    expect(withAppName(facts, '/o/blobs/sha256-abc', undefined)).toBe(facts);
  });
});

describe('Ollama and LM Studio folders in the library', () => {
  it('suggests the folders that exist, with their GGUF counts, and adds one with Ollama names', async () => {
    const fixture = await libraryFixture();
    const { store, llama } = await ollamaStore(fixture.root);
    const home = join(fixture.root, 'home');
    await placeGguf(join(home, '.lmstudio', 'models', 'publisher', 'repo', 'model-Q8_0.gguf'));
    const library = await fixture.restart({ discoveryInputs: { env: { OLLAMA_MODELS: store }, platform: 'linux', home } });

    const suggested = await library.suggestedFolders();
    expect(suggested).toEqual([
      { id: suggestedFolderId('lmstudio', join(home, '.lmstudio', 'models')), app: 'lmstudio', path: join(home, '.lmstudio', 'models'), ggufCount: 1, watched: false },
      { id: suggestedFolderId('ollama', store), app: 'ollama', path: store, ggufCount: 2, watched: false },
    ]);

    const result = await library.addSuggestedFolder(suggested[1]!.id);
    expect(result.added.map((m) => m.origin)).toEqual(['ollama', 'ollama']);
    expect(result.skipped).toHaveLength(3);
    const llamaBlob = join(store, 'blobs', `sha256-${llama}`);
    // The blob's name is its digest: the hash is known without reading it.
    expect(byPath(library, llamaBlob)).toMatchObject({ sha256: llama, status: 'ready' });
    expect(library.list('llama3.2:3b').map((m) => m.path)).toEqual([llamaBlob]);
    expect(library.list('SmolQwen').map((m) => m.facts?.architecture)).toEqual(['qwen2']);
    expect((await library.suggestedFolders()).find((f) => f.app === 'ollama')?.watched).toBe(true);

    await expect(library.addSuggestedFolder('ollama-0000000000000000')).rejects.toMatchObject({ kind: 'not_found' });

    // LM Studio's folder sits under a hidden one (~/.lmstudio): it is watched all the same.
    const lmStudio = await library.addSuggestedFolder(suggested[0]!.id);
    expect(lmStudio.added.map((m) => m.origin)).toEqual(['lmstudio']);
    const downloaded = await placeGguf(join(home, '.lmstudio', 'models', 'publisher', 'other', 'new-Q8_0.gguf'));
    await waitFor('a model LM Studio downloaded', () => byPath(library, downloaded));
    expect(byPath(library, downloaded)?.origin).toBe('lmstudio');
  });

  it('follows a pull and a removal in a watched Ollama store', async () => {
    const { root, library } = await libraryFixture();
    const { store } = await ollamaStore(root);
    await library.addPaths([store]);
    expect(library.list()).toHaveLength(2);

    // `ollama pull` writes the blob, then the manifest.
    const pulled = await addBlob(store, { arch: 'llama', seed: 1 });
    write(join(store, 'manifests', 'registry.ollama.ai', 'library', 'tiny', 'latest'), manifest([{ mediaType: MODEL, digest: `sha256:${pulled}` }]));
    const blob = join(store, 'blobs', `sha256-${pulled}`);
    const entry = await waitFor('the pulled model', () => byPath(library, blob));
    expect(entry).toMatchObject({ origin: 'ollama', sha256: pulled });
    expect(library.list('tiny:latest')).toHaveLength(1);

    // `ollama rm` deletes the manifest and the blob.
    rmSync(join(store, 'manifests', 'registry.ollama.ai', 'library', 'tiny'), { recursive: true });
    rmSync(blob);
    await waitFor('the removed model to be missing', () => library.get(entry.id).status === 'missing');
  });

  it('lists a blob whose GGUF has no name of its own under its Ollama name', async () => {
    const { root, library } = await libraryFixture();
    const { store } = await ollamaStore(root);
    const nameless = buildGguf(tinyModelSpec({ omitKeys: ['general.name'] })).bytes;
    const sha = createHash('sha256').update(nameless).digest('hex');
    write(join(store, 'blobs', `sha256-${sha}`), nameless);
    write(join(store, 'manifests', 'registry.ollama.ai', 'someone', 'nameless', '7b-q4'), manifest([{ mediaType: MODEL, digest: `sha256:${sha}` }]));
    await library.addPaths([store]);
    const entry = byPath(library, join(store, 'blobs', `sha256-${sha}`));
    expect(entry?.facts?.displayName).toBe('someone/nameless:7b-q4');
    expect(library.list('nameless').map((m) => m.id)).toEqual([entry?.id]);
  });

  it('will not delete a file from Ollama\'s store, and says how to', async () => {
    const { root, library } = await libraryFixture();
    const { store, llama } = await ollamaStore(root);
    await library.addPaths([store]);
    const blob = join(store, 'blobs', `sha256-${llama}`);
    const entry = byPath(library, blob)!;
    await expect(library.remove(entry.id, true)).rejects.toMatchObject({ kind: 'invalid_input', message: expect.stringContaining('ollama rm llama3.2:3b') });
    expect(existsSync(blob)).toBe(true);
    expect(library.get(entry.id).status).toBe('ready');
    await expect(library.remove(entry.id)).resolves.toEqual({ deletedFile: false });
  });
});
