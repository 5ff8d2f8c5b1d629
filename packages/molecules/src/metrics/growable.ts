/** Typed arrays that grow, for the metrics' per-molecule and per-sample columns. */
type TypedArray = Float64Array | Int32Array | Uint8Array;

/** A new array of the same type and `size` elements, holding the first `used` elements of `a`. */
export function grown<T extends TypedArray>(a: T, size: number, used = a.length): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  (b as TypedArray).set((a as TypedArray).subarray(0, used));
  return b;
}

/** A typed array with a length, doubled when full. */
export class GrowableColumn<T extends Float64Array | Int32Array> {
  length = 0;
  constructor(public data: T) {}

  push(x: number): void {
    if (this.length === this.data.length) this.data = grown(this.data, 2 * this.data.length);
    this.data[this.length++] = x;
  }
}
