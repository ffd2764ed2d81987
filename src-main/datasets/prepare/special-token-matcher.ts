/**
 * Finds control tokens (`<|im_start|>`, `<|eot_id|>`…) in template markup, as llama.cpp does
 * when it tokenizes with special-token parsing: their text becomes their one id. Only markup
 * goes through here; a person's content is tokenized as plain text, so a message that
 * contains "<|im_start|>" stays those characters and cannot forge a turn.
 *
 * Matching is leftmost-longest. llama.cpp instead takes tokens longest first over the whole
 * text; the two differ only for control tokens that overlap each other inside one markup
 * string, which no chat template has.
 */
export interface SpecialToken {
  id: number;
  text: string;
}

export class SpecialTokenMatcher {
  private readonly idByText = new Map<string, number>();
  /** Distinct token lengths, longest first: at most a few dozen even for vocabularies with thousands of control tokens. */
  private readonly lengths: number[];
  private readonly firstChars = new Set<string>();
  /** Template markup repeats in every example ("<|im_start|>user\n"): short pieces are split once. */
  private readonly remembered = new Map<string, readonly (string | number)[]>();

  constructor(tokens: Iterable<SpecialToken>) {
    for (const { id, text } of tokens) {
      if (text === '' || this.idByText.has(text)) continue;
      this.idByText.set(text, id);
      this.firstChars.add(text.charAt(0));
    }
    this.lengths = [...new Set([...this.idByText.keys()].map((text) => text.length))].sort((a, b) => b - a);
  }

  get size(): number {
    return this.idByText.size;
  }

  /** `markup` as plain-text pieces and control-token ids, in order; empty pieces are left out. */
  split(markup: string): readonly (string | number)[] {
    if (markup.length > 256) return this.scan(markup);
    let pieces = this.remembered.get(markup);
    if (pieces === undefined) {
      pieces = this.scan(markup);
      if (this.remembered.size >= 4096) this.remembered.clear();
      this.remembered.set(markup, pieces);
    }
    return pieces;
  }

  private scan(markup: string): (string | number)[] {
    const pieces: (string | number)[] = [];
    let textFrom = 0;
    let at = 0;
    while (at < markup.length) {
      const found = this.firstChars.has(markup.charAt(at)) ? this.tokenAt(markup, at) : null;
      if (found === null) {
        at++;
        continue;
      }
      if (at > textFrom) pieces.push(markup.slice(textFrom, at));
      pieces.push(found.id);
      at += found.length;
      textFrom = at;
    }
    if (markup.length > textFrom) pieces.push(markup.slice(textFrom));
    return pieces;
  }

  private tokenAt(markup: string, at: number): { id: number; length: number } | null {
    for (const length of this.lengths) {
      if (at + length > markup.length) continue;
      const id = this.idByText.get(markup.slice(at, at + length));
      if (id !== undefined) return { id, length };
    }
    return null;
  }
}
