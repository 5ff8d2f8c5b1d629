/** The pictures `vaekit train` writes into a trial's folder (user attribute `dir`), shown with the best trials. */
import * as fs from 'fs';
import * as path from 'path';
import type { ReportSection } from '@vaekit/report';
import { SAMPLES_FILE } from '../text/files';

export const VAE_PICTURES = ['reconstructions', 'samples', 'traversals'] as const;

export const vaePicturesSection: ReportSection = {
  id: 'vae-pictures',
  // Text models write sentences instead (see text-samples.ts).
  appliesTo: (ctx) =>
    !ctx.best.some((n) => {
      const t = ctx.trials.find((x) => x.number === n);
      return typeof t?.userAttrs.dir === 'string' && fs.existsSync(path.join(t.userAttrs.dir, SAMPLES_FILE));
    }),
  pictures: {
    folder: (t) => (typeof t.userAttrs.dir === 'string' ? t.userAttrs.dir : undefined),
    files: VAE_PICTURES.map((name) => ({ name, file: `${name}.png` })),
    description: 'inputs above their reconstructions, samples from the prior, and latent traversals (one row per latent dimension, most used first, swept from \u22123 to 3)',
  },
};
