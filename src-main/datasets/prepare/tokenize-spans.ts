/**
 * Rendered spans → token ids and a loss mask, with the ids llama.cpp itself would give the
 * rendered text, and no way for a person's text to become a control token.
 *
 * llama.cpp tokenizes a prompt (parse_special = true) by first cutting out control-token text
 * and then tokenizing each stretch of plain text between them in one go. We do the same, with
 * one difference: control-token text is looked for in template markup only. So
 *  - markup's `<|im_start|>` is one control token, as at inference;
 *  - content's "<|im_start|>" stays plain characters (bytes, for a byte-level vocabulary);
 *  - a stretch of plain text that runs across markup and content ("assistant\n" + the reply)
 *    is tokenized whole, as llama.cpp would — tokenizing the two parts apart would give other
 *    ids where they meet (an extra "▁" for SentencePiece models, split merges for BPE).
 *
 * The mask for such a stretch comes from where its trained and untrained parts meet: the
 * stretch up to each such boundary is tokenized alone, and the tokens it shares with the whole
 * (longest common prefix) lie before the boundary. When a token straddles the boundary it is
 * trained if either side is: it carries reply text the model must produce.
 *
 * BOS: added at the front when the model's tokenizer asks for it (`tokenizer.ggml.add_bos_token`,
 * as llama.cpp reads it) and the rendering does not already start with it (templates such as
 * Llama 3's write `{{ bos_token }}` themselves).
 */
import type { SpecialTokenMatcher } from './special-token-matcher';
import type { TemplateSpan } from './template-turns';

export interface SpanTokenizer {
  /** Ids of plain text: no special-token parsing, nothing added (llama.cpp's `common_tokenize(text, false, false)`). */
  tokenizeText(text: string): ArrayLike<number>;
  /** Control tokens to find in markup. */
  matcher: SpecialTokenMatcher;
  /** The id to put first, or null when the model adds no BOS. */
  bosToAdd: number | null;
}

export interface TokenizedExample {
  ids: Uint32Array;
  /** 1 where the loss covers the token. */
  mask: Uint8Array;
  /** Whether a BOS was put in front (the rendering did not start with one). */
  bosAdded: boolean;
}

interface RunPiece {
  text: string;
  trained: boolean;
}

export function tokenizeSpans(spans: readonly TemplateSpan[], tokenizer: SpanTokenizer): TokenizedExample {
  const out = new TokenSink();
  // Plain text gathered until the next control token (or the end), then tokenized in one go.
  let run: RunPiece[] = [];
  const flushRun = (): void => {
    if (run.length > 0) tokenizeRun(run, tokenizer, out);
    run = [];
  };
  for (const span of spans) {
    if (span.text === '') continue;
    if (!span.special) {
      run.push(span);
      continue;
    }
    for (const part of tokenizer.matcher.split(span.text)) {
      if (typeof part === 'string') {
        run.push({ text: part, trained: span.trained });
      } else {
        flushRun();
        out.push(part, span.trained);
      }
    }
  }
  flushRun();

  const bosAdded = tokenizer.bosToAdd !== null && (out.length === 0 || out.firstId !== tokenizer.bosToAdd);
  return { ...out.take(bosAdded ? tokenizer.bosToAdd : null), bosAdded };
}

/**
 * Where an example's ids and mask grow: one pair of buffers reused for every example (the
 * worker tokenizes one example at a time), copied out once at the end.
 */
class TokenSink {
  private static ids = new Uint32Array(4096);
  private static mask = new Uint8Array(4096);
  length = 0;

  get firstId(): number | undefined {
    return this.length > 0 ? TokenSink.ids[0] : undefined;
  }

  push(id: number, trained: boolean): void {
    this.reserve(1);
    TokenSink.ids[this.length] = id;
    TokenSink.mask[this.length++] = trained ? 1 : 0;
  }

  /** Appends `ids` with one flag for all, or a 0/1 flag each. */
  pushAll(ids: ArrayLike<number>, trained: Uint8Array | boolean): void {
    this.reserve(ids.length);
    TokenSink.ids.set(ids, this.length);
    if (typeof trained === 'boolean') TokenSink.mask.fill(trained ? 1 : 0, this.length, this.length + ids.length);
    else TokenSink.mask.set(trained, this.length);
    this.length += ids.length;
  }

  /** The ids and mask so far, with `bos` (untrained) in front when given. */
  take(bos: number | null): { ids: Uint32Array; mask: Uint8Array } {
    const front = bos === null ? 0 : 1;
    const ids = new Uint32Array(this.length + front);
    const mask = new Uint8Array(this.length + front);
    if (bos !== null) ids[0] = bos;
    ids.set(TokenSink.ids.subarray(0, this.length), front);
    mask.set(TokenSink.mask.subarray(0, this.length), front);
    return { ids, mask };
  }

  private reserve(count: number): void {
    if (this.length + count <= TokenSink.ids.length) return;
    let size = TokenSink.ids.length * 2;
    while (size < this.length + count) size *= 2;
    const ids = new Uint32Array(size);
    const mask = new Uint8Array(size);
    ids.set(TokenSink.ids);
    mask.set(TokenSink.mask);
    TokenSink.ids = ids;
    TokenSink.mask = mask;
  }
}

/** One stretch of plain text, tokenized whole; the mask placed at its trained/untrained boundaries. */
function tokenizeRun(run: readonly RunPiece[], tokenizer: SpanTokenizer, out: TokenSink): void {
  const regions = mergeByFlag(run);
  const text = regions.length === 1 ? (regions[0] as RunPiece).text : regions.map((region) => region.text).join('');
  const ids = tokenizer.tokenizeText(text);
  if (regions.length === 1) {
    out.pushAll(ids, (regions[0] as RunPiece).trained);
    return;
  }
  const trained = new Uint8Array(ids.length);

  // `from`: the first token not yet assigned; `anchor`: the last boundary known to fall between tokens.
  let from = 0;
  let anchor = { char: 0, token: 0 };
  let charStart = 0;
  regions.forEach((region, index) => {
    const start = charStart;
    charStart += region.text.length;
    if (index === 0) return;
    const before = regions[index - 1] as RunPiece;
    const boundary = locateBoundary(text, ids, start, anchor, tokenizer);
    const cut = Math.max(boundary.cut, from);
    trained.fill(before.trained ? 1 : 0, from, cut);
    from = cut;
    if (boundary.clean) {
      anchor = { char: start, token: cut };
    } else if (cut < ids.length) {
      // This token holds text from both sides: trained if either side is.
      trained[cut] = before.trained || region.trained ? 1 : 0;
      from = cut + 1;
    }
  });
  trained.fill((regions[regions.length - 1] as RunPiece).trained ? 1 : 0, from);
  out.pushAll(ids, trained);
}

/**
 * Where in `ids` the text before `charEnd` ends. First the text since the last clean boundary
 * is tokenized alone: if its ids continue the whole's exactly, the tokens between are that text
 * and the boundary is clean. Otherwise (SentencePiece's leading "▁" on a separate call, or a
 * merge across the boundary) the whole prefix is tokenized and compared.
 */
function locateBoundary(text: string, ids: ArrayLike<number>, charEnd: number, anchor: { char: number; token: number }, tokenizer: SpanTokenizer): { cut: number; clean: boolean } {
  if (anchor.char > 0) {
    const window = tokenizer.tokenizeText(text.slice(anchor.char, charEnd));
    if (continuesAt(ids, anchor.token, window)) return { cut: anchor.token + window.length, clean: true };
  }
  const prefix = tokenizer.tokenizeText(text.slice(0, charEnd));
  let shared = 0;
  while (shared < prefix.length && shared < ids.length && prefix[shared] === ids[shared]) shared++;
  return { cut: shared, clean: shared === prefix.length };
}

function continuesAt(ids: ArrayLike<number>, from: number, part: ArrayLike<number>): boolean {
  if (from + part.length > ids.length) return false;
  for (let i = 0; i < part.length; i++) if (ids[from + i] !== part[i]) return false;
  return true;
}

function mergeByFlag(run: readonly RunPiece[]): RunPiece[] {
  const regions: RunPiece[] = [];
  for (const piece of run) {
    const last = regions[regions.length - 1];
    if (last !== undefined && last.trained === piece.trained) last.text += piece.text;
    else regions.push({ text: piece.text, trained: piece.trained });
  }
  return regions;
}
