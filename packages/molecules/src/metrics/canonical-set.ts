import { grown } from './growable';

/**
 * A set of strings numbered in insertion order (0, 1, 2, …), kept outside the garbage-collected
 * heap: the UTF-8 bytes of every string one after another in one byte array, and an open-addressing
 * hash table of their numbers. About 1.3 × the bytes of the strings plus 20 bytes per string,
 * against ~150 bytes per entry of a Map<string, number> with its strings (and the collector's slack
 * on top), for the canonical SMILES of every distinct molecule a large sample holds.
 */
export class StringIndex {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private starts: Int32Array = new Int32Array(1024); // starts[i]..starts[i + 1]: the bytes of string i
  private hashes: Int32Array = new Int32Array(1024);
  private table = new Int32Array(2048); // string number + 1, 0 = empty slot; at most half full
  private count = 0;
  private scratch = new Uint8Array(256);
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  get size(): number {
    return this.count;
  }

  /** The number of `s`, added if new; `added` says whether it was. */
  add(s: string): { index: number; added: boolean } {
    const len = this.encode(s);
    const h = this.hash(len);
    const mask = this.table.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.table[slot];
      if (e === 0) break;
      if (this.hashes[e - 1] === h && this.equals(e - 1, len)) return { index: e - 1, added: false };
    }
    const index = this.count++;
    if (index + 2 > this.starts.length) {
      this.starts = grown(this.starts, 2 * this.starts.length);
      this.hashes = grown(this.hashes, 2 * this.hashes.length);
    }
    if (this.used + len > this.bytes.length) this.bytes = grown(this.bytes, Math.max(2 * this.bytes.length, this.used + len), this.used);
    this.bytes.set(this.scratch.subarray(0, len), this.used);
    this.starts[index] = this.used;
    this.used += len;
    this.starts[index + 1] = this.used;
    this.hashes[index] = h;
    if (2 * this.count > this.table.length) this.rehash(2 * this.table.length);
    else this.insert(index, this.table);
    return { index, added: true };
  }

  /** String number i. */
  get(i: number): string {
    return this.decoder.decode(this.bytes.subarray(this.starts[i], this.starts[i + 1]));
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.get(i);
  }

  /** `s` as UTF-8 in the scratch buffer; its length in bytes. */
  private encode(s: string): number {
    if (3 * s.length > this.scratch.length) this.scratch = new Uint8Array(3 * s.length);
    return this.encoder.encodeInto(s, this.scratch).written!;
  }

  /** FNV-1a over the scratch bytes. */
  private hash(len: number): number {
    let h = 0x811c9dc5;
    for (let k = 0; k < len; k++) h = Math.imul(h ^ this.scratch[k], 0x01000193);
    return h | 0;
  }

  private equals(i: number, len: number): boolean {
    const a = this.starts[i];
    if (this.starts[i + 1] - a !== len) return false;
    for (let k = 0; k < len; k++) if (this.bytes[a + k] !== this.scratch[k]) return false;
    return true;
  }

  private insert(index: number, table: Int32Array): void {
    const mask = table.length - 1;
    let slot = this.hashes[index] & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = index + 1;
  }

  private rehash(size: number): void {
    const table = new Int32Array(size);
    for (let i = 0; i < this.count; i++) this.insert(i, table);
    this.table = table;
  }
}
