/**
 * The set of examples already written, for dropping exact duplicates: each example's 128-bit
 * digest (made by the worker that tokenized it) in an open-addressing table of 32-bit words.
 * 16 bytes an example (32 at the table's fill limit), where a Set of strings would take about
 * 100 — ten million examples keep their duplicate check in a few hundred megabytes at most.
 */
const WORDS = 4;

export class SeenDigests {
  private table = new Uint32Array(1024 * WORDS);
  private count = 0;

  /** Adds the 16-byte digest at `bytes[at…]`; false when it was there already (a duplicate). */
  add(bytes: Uint8Array, at = 0): boolean {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, 16);
    // An all-zero slot means empty, so the stored digest always has its lowest bit set;
    // that leaves 127 bits, far beyond any dataset's chance of a collision.
    const words = [(view.getUint32(0, true) | 1) >>> 0, view.getUint32(4, true), view.getUint32(8, true), view.getUint32(12, true)] as const;
    if ((this.count + 1) * 2 > this.table.length / WORDS) this.grow();
    return this.insert(this.table, words);
  }

  get size(): number {
    return this.count;
  }

  private insert(table: Uint32Array, words: readonly [number, number, number, number]): boolean {
    const slots = table.length / WORDS;
    for (let slot = words[1] % slots; ; slot = (slot + 1) % slots) {
      const at = slot * WORDS;
      if (table[at] === 0) {
        table.set(words, at);
        this.count++;
        return true;
      }
      if (table[at] === words[0] && table[at + 1] === words[1] && table[at + 2] === words[2] && table[at + 3] === words[3]) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.count = 0;
    for (let at = 0; at < old.length; at += WORDS) {
      if (old[at] !== 0) this.insert(this.table, [old[at] as number, old[at + 1] as number, old[at + 2] as number, old[at + 3] as number]);
    }
  }
}
