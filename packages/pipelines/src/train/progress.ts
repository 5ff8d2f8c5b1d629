import type { EpochMetrics } from '@vaekit/core';

const f = (v: number, d = 2) => v.toFixed(d);

/** Per-epoch progress: a live bar on a terminal, one plain line per epoch otherwise. */
export class Progress {
  private readonly tty: boolean;
  private last = 0;

  constructor(private readonly out: NodeJS.WritableStream, private readonly epochs: number) {
    this.tty = !!(out as NodeJS.WriteStream).isTTY;
  }

  step(s: { epoch: number; step: number; steps: number; loss: number }): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.last < 100 && s.step !== s.steps) return;
    this.last = now;
    const width = 30;
    const done = Math.round((width * s.step) / s.steps);
    this.out.write(`\r\x1b[2Kepoch ${s.epoch}/${this.epochs} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${s.step}/${s.steps} loss ${f(s.loss)}`);
  }

  epoch(m: EpochMetrics): void {
    const v = m.validation;
    const line =
      `epoch ${m.epoch}/${this.epochs}  train −ELBO ${f(m.train.negElbo)} (recon ${f(m.train.recon)}, KL ${f(m.train.kl)}, β·w ${f(m.klWeight, 3)})` +
      (m.train.property !== undefined ? `  property loss ${f(m.train.property, 3)}` : '') +
      (v ? `  val −ELBO ${f(v.negElbo)}  active ${v.activeUnits}/${v.klPerDim.length}` : '') +
      (v?.property ? `  val R² ${Object.entries(v.property).map(([k, p]) => `${k} ${f(p.r2, 3)}`).join(', ')}` : '') +
      `  ${Math.round(m.samplesPerSec)} samples/s  ${f(m.seconds, 1)} s`;
    this.out.write((this.tty ? '\r\x1b[2K' : '') + line + '\n');
  }
}
