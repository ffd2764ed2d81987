/**
 * Templates and BOS as the model file sets them: demo models rewritten with another chat
 * template, with none, and with `add_bos_token` on; prepared through the real worker and
 * previewed with renderExamples.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetShape, PrepareOptions } from '../../../../src-main/contract/dataset-types';
import { prepareDataset } from '../../../../src-main/datasets/prepare/prepare-dataset';
import { renderExamples } from '../../../../src-main/datasets/prepare/render-preview';
import { DEMO_VOCAB, makeDemoModel } from '../../helpers/demo-model';
import { chat, modelVariant, options, readPrepared, rowsOf, workerPath } from './prepare-fixtures';

const bytes = (text: string): number[] => [...Buffer.from(text, 'utf8')];
const { endOfText: BOS, imStart: START, imEnd: END } = DEMO_VOCAB;

// Another layout than the demo's ChatML: "role: " headers, trimmed content, EOS ends each turn.
const COLON_TURNS = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + ': ' + m['content'] | trim + eos_token + '\\n' }}{% endfor %}";

let base: string;
let noTemplate: string;

beforeAll(async () => {
  base = await makeDemoModel({ arch: 'llama', dtype: 'f32' });
  noTemplate = await modelVariant(base, { 'tokenizer.chat_template': null });
}, 180_000);

async function prepareOne(modelPath: string, conversation: ReturnType<typeof chat>, overrides: Partial<PrepareOptions> = {}, shape: DatasetShape = 'messages') {
  const outDir = join(mkdtempSync(join(tmpdir(), 'lathe-prepare-')), 'prepared');
  await prepareDataset({ rows: rowsOf([conversation]), modelPath, options: options(overrides), outDir, datasetHash: 'sha256:test', shape, workerPath });
  const { train } = readPrepared(outDir);
  return { ids: train.ids[0] as number[], mask: train.masks[0] as number[] };
}

describe('the model’s own template', () => {
  it('lays turns out as the template says, trains reply + EOS, and adds BOS once when the file asks', async () => {
    const withBosInTemplate = await modelVariant(base, {
      'tokenizer.chat_template': { value: `{{ bos_token }}${COLON_TURNS}`, type: 'string' },
      'tokenizer.ggml.add_bos_token': { value: true, type: 'bool' },
    });
    const conversation = chat(['user', ' Hi '], ['assistant', 'Hello']);
    const written = await prepareOne(withBosInTemplate, conversation);
    expect(written.ids).toEqual([BOS, START, ...bytes('user: Hi'), END, 10, START, ...bytes('assistant: Hello'), END, 10]);
    const trained = written.ids.filter((_, index) => written.mask[index] === 1);
    expect(trained).toEqual([...bytes('Hello'), END]);

    const bosFromFile = await modelVariant(base, {
      'tokenizer.chat_template': { value: COLON_TURNS, type: 'string' },
      'tokenizer.ggml.add_bos_token': { value: true, type: 'bool' },
    });
    expect((await prepareOne(bosFromFile, conversation)).ids).toEqual(written.ids);
  }, 120_000);

  it('previews the same layout, with the BOS the tokenizer adds shown untrained', async () => {
    const bosFromFile = await modelVariant(base, {
      'tokenizer.chat_template': { value: COLON_TURNS, type: 'string' },
      'tokenizer.ggml.add_bos_token': { value: true, type: 'bool' },
    });
    const [example, refused] = await renderExamples(
      [
        { line: 4, conversation: chat(['user', 'Hi'], ['assistant', 'Hello']), problem: null },
        { line: 5, conversation: null, problem: 'bad JSON' },
      ],
      bosFromFile,
      options(),
      { workerPath, shape: 'messages' },
    );
    expect(example).toEqual({
      line: 4,
      spans: [
        { text: '<|endoftext|><|im_start|>user: Hi<|im_end|>\n<|im_start|>assistant: ', trained: false },
        { text: 'Hello<|im_end|>', trained: true },
        { text: '\n', trained: false },
      ],
      tokens: 1 + 1 + 8 + 2 + 1 + 16 + 2,
      problem: null,
    });
    expect(refused).toEqual({ line: 5, spans: [], tokens: 0, problem: 'bad JSON' });
  }, 60_000);
});

describe('a model without a chat template', () => {
  it('refuses chat data with template "model", saying to use ChatML, before any work', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'lathe-prepare-'));
    let forks = 0;
    const run = prepareDataset({
      rows: rowsOf([chat(['user', 'Hi'], ['assistant', 'Yo'])]),
      modelPath: noTemplate,
      options: options({ template: 'model' }),
      outDir: join(parent, 'prepared'),
      datasetHash: 'sha256:test',
      shape: 'messages',
      workerPath,
      forkWorker: () => {
        forks++;
        throw new Error('no worker should start');
      },
    });
    await expect(run).rejects.toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/no chat template.*ChatML/) });
    expect(forks).toBe(0);
    expect(readdirSync(parent)).toEqual([]);
    await expect(renderExamples([], noTemplate, options(), { workerPath, shape: 'messages' })).rejects.toMatchObject({ kind: 'unsupported' });
  }, 60_000);

  it('prepares with ChatML when asked, exactly as the demo model’s own ChatML template does', async () => {
    const conversation = chat(['system', 'S'], ['user', 'Hi'], ['assistant', 'Yo']);
    const viaChatml = await prepareOne(noTemplate, conversation, { template: 'chatml' });
    expect(viaChatml).toEqual(await prepareOne(base, conversation, { template: 'model' }));
    expect(viaChatml.ids.filter((_, index) => viaChatml.mask[index] === 1)).toEqual([...bytes('Yo'), END]);
  }, 120_000);

  it('prepares raw text without any template, every token trained and EOS last', async () => {
    const text = await prepareOne(noTemplate, chat(['user', 'Once upon a time.']), {}, 'text');
    expect(text.ids).toEqual([...bytes('Once upon a time.'), END]);
    expect(text.mask.every((bit) => bit === 1)).toBe(true);
  }, 60_000);
});
