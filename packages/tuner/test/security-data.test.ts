/**
 * Hostile or broken data files, as a user meets them through the CLI: gzip bombs given as IDX
 * files, "CSV" files without newlines, FIFOs and devices, cells that are not decimal numbers,
 * NaN in .npy data. Each ends within seconds and well under 600 MiB with one located message,
 * exit code 2 and no stack trace (or, with data.limit, reads just what it needs and trains).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { encodeNpy } from '@vaekit/datasets';
import { expectBounded, expectRefused, runCli, STACK } from './helpers/cli';

const run = runCli;
const bounded = expectBounded;
const refused = expectRefused;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaekit-secdata-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const model = 'model: { latentDim: 2, encoder: { use: mlp, hidden: [8] }, decoder: { use: mlp, hidden: [8] } }\ntrain: { epochs: 1, batchSize: 50, backend: wasm }\n';
function config(name: string, data: string): string {
  fs.writeFileSync(path.join(dir, name), `data: ${data}\n${model}`);
  return name;
}

/**
 * A gzip file of `header` then `zeros` zero bytes, like a 1.5 MB file that expands to 1.5 GB:
 * each 4 MiB block of zeros compresses to the same bytes, so the file is built from copies.
 */
function gzipBomb(header: Buffer, zeros: number): Buffer {
  const block = Buffer.alloc(1 << 22);
  const flush = { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const packed = zlib.deflateRawSync(block, flush);
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), zlib.deflateRawSync(header, flush)];
  let crc = zlib.crc32(header);
  for (let left = zeros; left > 0; left -= block.length) {
    parts.push(packed);
    crc = zlib.crc32(block, crc);
  }
  parts.push(zlib.deflateRawSync(Buffer.alloc(0)));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((header.length + zeros) % 2 ** 32, 4);
  return Buffer.concat([...parts, trailer]);
}

describe('IDX gzip bombs', () => {
  // 1,900,000 images of 28×28 zeros: 1.49 GB of content in a gzip file of about 1.5 MB.
  const n = 1_900_000;
  beforeAll(() => {
    const header = Buffer.alloc(16);
    header[2] = 0x08;
    header[3] = 3;
    header.writeUInt32BE(n, 4);
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    const bomb = gzipBomb(header, Math.ceil((n * 784) / (1 << 22)) * (1 << 22));
    fs.writeFileSync(path.join(dir, 'bomb-images.gz'), bomb);
    fs.writeFileSync(path.join(dir, 'bomb.idx'), bomb);
  });

  it('with data.limit: 100 (the size of the test split not a multiple of 8), decompresses only those images and trains, in little memory', () => {
    expect(fs.statSync(path.join(dir, 'bomb-images.gz')).size).toBeLessThan(2e6);
    const r = run(['train', '--config', config('limited.yaml', '{ use: idx, path: bomb-images.gz, limit: 100, scale: none }'), '--out', 'o-limited'], dir);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/data bomb-images\.gz \[28×28×1\], 90 train \/ 0 validation \/ 10 test/);
    expect(fs.existsSync(path.join(dir, 'o-limited', 'checkpoint', 'model.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'o-limited', 'reconstructions.png'))).toBe(true);
    bounded(r);
    expect(r.maxRssKiB).toBeLessThan(400 * 1024);
  });

  it('without a limit, is refused as a decompression bomb before anything is decompressed', () => {
    const r = run(['train', '--config', config('all.yaml', '{ use: idx, path: bomb-images.gz }'), '--out', 'o-all'], dir);
    refused(r, /data\.path: .*bomb-images\.gz: reading \[1900000, 28, 28\] ubyte would decompress 1490 MB from 1\.\d MB of gzip, more than 200 times its size/);
    expect(fs.existsSync(path.join(dir, 'o-all', 'checkpoint'))).toBe(false);
  });
});

describe('CSV files without newlines, FIFOs and devices', () => {
  it('a 300 MB file without a newline stops at the line-length cap, naming the line', () => {
    const fd = fs.openSync(path.join(dir, 'noline.csv'), 'w');
    fs.ftruncateSync(fd, 300 * 1024 * 1024); // sparse: zero bytes, no newline
    fs.closeSync(fd);
    const r = run(['train', '--config', config('noline.yaml', '{ use: csv, path: noline.csv }'), '--out', 'o-noline'], dir);
    refused(r, /data\.path: noline\.csv line 1: a line longer than 8 MiB \(8388608 bytes\)/);
  });

  it('/dev/zero (also through a link) and a FIFO are refused, not read', () => {
    refused(run(['train', '--config', config('zero.yaml', '{ use: csv, path: /dev/zero }'), '--out', 'o-zero'], dir), /data\.path: \/dev\/zero is a character device, expected a regular file/);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.csv'));
    refused(run(['train', '--config', config('zlink.yaml', '{ use: csv, path: zero.csv }'), '--out', 'o-zl'], dir), /data\.path: .*zero\.csv is a character device/);
    execFileSync('mkfifo', [path.join(dir, 'pipe.csv')]);
    refused(run(['train', '--config', config('fifo.yaml', '{ use: csv, path: pipe.csv }'), '--out', 'o-fifo'], dir), /data\.path: .*pipe\.csv is a named pipe \(FIFO\), expected a regular file/);
  });
});

describe('CSV numbers', () => {
  it.each([
    ['0x10', "'0x10' is not a decimal number"],
    ['1e999', "'1e999' is out of range"],
    ['Infinity', "'Infinity' is not a finite number"],
    ['1_000', "'1_000' is not a number"],
  ])('the cell %s is refused with its line and column', (cell, problem) => {
    const rows = Array.from({ length: 50 }, (_, i) => (i === 3 ? `0.5,${cell},0.1` : `0.5,0.25,0.1`));
    fs.writeFileSync(path.join(dir, `cell-${cell}.csv`), 'a,b,c\n' + rows.join('\n') + '\n');
    const r = run(['train', '--config', config(`cell-${cell}.yaml`, `{ use: csv, path: cell-${cell}.csv }`), '--out', 'o-cell'], dir);
    refused(r, new RegExp(`data\\.path: cell-${cell}\\.csv line 5, column 2: ${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});

describe('.npy data with NaN', () => {
  const values = () => Float32Array.from({ length: 400 }, (_, i) => ((i * 7) % 11) / 11);
  beforeAll(() => {
    fs.writeFileSync(path.join(dir, 'good.npy'), encodeNpy(values(), [100, 4]));
    const bad = values();
    bad[4 * 37 + 2] = NaN;
    fs.writeFileSync(path.join(dir, 'nan.npy'), encodeNpy(bad, [100, 4]));
  });

  it('training is refused with the value located, not a "diverged" message', () => {
    const r = run(['train', '--config', config('nan.yaml', '{ use: npy, path: nan.npy }'), '--out', 'o-nan'], dir);
    refused(r, /data\.path: .*nan\.npy: the value at \[37, 2\] is NaN; expected finite numbers/);
    expect(r.stderr).not.toMatch(/diverged/);
  });

  it('vaekit score refuses it (exit 2) and writes no score', () => {
    const fd = fs.openSync(path.join(dir, 'noline.csv'), 'a'); // the 300 MB file without newlines (also for score)
    fs.ftruncateSync(fd, 300 * 1024 * 1024);
    fs.closeSync(fd);
    const t = run(['train', '--config', config('good.yaml', '{ use: npy, path: good.npy }'), '--out', 'm'], dir);
    expect(t.stderr).not.toMatch(STACK);
    expect(t.code).toBe(0);
    const r = run(['score', '--checkpoint', 'm/checkpoint', '--data', 'nan.npy', '--out', 'scores.csv'], dir);
    refused(r, /nan\.npy: the value at \[37, 2\] is NaN/);
    const out = path.join(dir, 'scores.csv');
    if (fs.existsSync(out)) expect(fs.readFileSync(out, 'utf8')).not.toMatch(/NaN|\d/);
    const b = run(['score', '--checkpoint', 'm/checkpoint', '--data', 'bomb.idx'], dir);
    refused(b, /bomb\.idx: reading \[1900000, 28, 28\] ubyte would decompress/);
  });

  it('vaekit score reads CSV lines with the same cap and the same strict numbers', () => {
    refused(run(['score', '--checkpoint', 'm/checkpoint', '--data', 'noline.csv'], dir), /noline\.csv line 1: a line longer than 8 MiB/);
    fs.writeFileSync(path.join(dir, 'hex.csv'), 'a,b,c,d\n0.1,0.2,0.3,0.4\n0.1,0x10,0.3,0.4\n');
    const r = run(['score', '--checkpoint', 'm/checkpoint', '--data', 'hex.csv', '--out', 'hex-scores.csv'], dir);
    refused(r, /hex\.csv line 3, column 2: '0x10' is not a decimal number/);
    fs.writeFileSync(path.join(dir, 'inf.csv'), 'Infinity,0.2,0.3,0.4\n');
    refused(run(['score', '--checkpoint', 'm/checkpoint', '--data', 'inf.csv'], dir), /inf\.csv line 1, column 1: 'Infinity' is not a finite number/);
    fs.writeFileSync(path.join(dir, 'ok.csv'), 'a,b,c,d\n 0.1 ,0.2,.3,4e-1\n');
    const ok = run(['score', '--checkpoint', 'm/checkpoint', '--data', 'ok.csv'], dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n')).toEqual(['row,score', expect.stringMatching(/^0,\d/)]);
  });
});
