import * as fs from 'fs';
import { PNG } from 'pngjs';

/**
 * Writes a grid of images as one PNG. `images` holds rows·cols images back to back, each
 * [h, w, c] with values in [0, 1] (c = 1 grey or 3 RGB); a 1-pixel gap separates them.
 */
export function writeImageGrid(file: string, images: Float32Array, n: number, shape: number[], cols: number, gap = 2): void {
  const [h, w, c] = shape.length === 3 ? shape : [1, shape[0], 1];
  const rows = Math.ceil(n / cols);
  const W = cols * w + (cols + 1) * gap;
  const H = rows * h + (rows + 1) * gap;
  const png = new PNG({ width: W, height: H });
  png.data.fill(255);
  const size = h * w * c;
  for (let k = 0; k < n; k++) {
    const oy = gap + Math.floor(k / cols) * (h + gap);
    const ox = gap + (k % cols) * (w + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = ((oy + y) * W + ox + x) * 4;
        for (let ch = 0; ch < 3; ch++) {
          const v = images[k * size + (y * w + x) * c + (c === 3 ? ch : 0)];
          png.data[p + ch] = Math.max(0, Math.min(255, Math.round(v * 255)));
        }
        png.data[p + 3] = 255;
      }
    }
  }
  fs.writeFileSync(file, PNG.sync.write(png));
}

/** Whether data of this shape can be drawn as pictures. */
export function isImageShape(shape: number[]): boolean {
  return shape.length === 3 && (shape[2] === 1 || shape[2] === 3);
}
