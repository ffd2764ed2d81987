/**
 * `readShapeHeader` on real GGUF files: the demo models `make-model` writes (llama with an
 * untied output and full attention, qwen2 with a tied output and grouped-query attention),
 * and files that are not models. The shape read here must give the estimator the parameter
 * count the file really holds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../../../src-main/contract/errors';
import { inspectGguf } from '../../../../src-main/models/gguf/inspect-gguf';
import { parameterCountFromShape, shapeFromFacts } from '../../../../src-main/training/memory-model-shape';
import { readShapeHeader } from '../../../../src-main/training/plan';
import { makeDemoModel } from '../../helpers/demo-model';

describe('readShapeHeader', () => {
  it('reads the llama demo model: 4 heads, no GQA, an untied output', async () => {
    const path = await makeDemoModel({ arch: 'llama', size: 'small' });
    const header = await readShapeHeader(path);
    expect(header).toMatchObject({ headCount: 4, ffnDim: 512, tiedOutput: false });
    expect(header.headCountKv ?? header.headCount).toBe(4);
    const { facts } = await inspectGguf(path);
    expect(parameterCountFromShape(shapeFromFacts(facts, header))).toBe(facts.parameterCount);
  });

  it('reads the qwen2 demo model: 2 key/value heads, a tied output', async () => {
    const path = await makeDemoModel({ arch: 'qwen2', size: 'tiny', dtype: 'q8_0' });
    const header = await readShapeHeader(path);
    expect(header).toMatchObject({ headCount: 4, headCountKv: 2, ffnDim: 256, tiedOutput: true });
    const { facts } = await inspectGguf(path);
    expect(parameterCountFromShape(shapeFromFacts(facts, header), { qkvBias: true })).toBe(facts.parameterCount);
  });

  it('counts the projections a quantized file keeps in blocks, for the low-memory estimate', async () => {
    // wide: 256 dims x 2 blocks, FFN 1024, every matrix in Q4_K (144 bytes per 256 values).
    const header = await readShapeHeader(await makeDemoModel({ arch: 'llama', size: 'wide', dtype: 'q4_k' }));
    const projections = 2 * (4 * 256 * 256 + 3 * 256 * 1024) + 259 * 256; // + output.weight, not the embedding
    expect(header.quantizedProjections).toEqual({ parameters: projections, bytes: (projections / 256) * 144, largestParameters: 256 * 1024 });
    expect((await readShapeHeader(await makeDemoModel({ arch: 'llama', size: 'small' }))).quantizedProjections).toBeNull();
  });

  it('throws a typed error for a file that is not a GGUF, and for a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lathe-shape-'));
    const junk = join(dir, 'junk.gguf');
    writeFileSync(junk, 'this is not a model');
    await expect(readShapeHeader(junk)).rejects.toBeInstanceOf(LatheError);
    await expect(readShapeHeader(junk)).rejects.toMatchObject({ kind: 'invalid_file' });
    await expect(readShapeHeader(join(dir, 'absent.gguf'))).rejects.toBeInstanceOf(LatheError);
  });
});
