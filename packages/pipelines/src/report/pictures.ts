/** The pictures `vaekit train` writes into a trial's folder (user attribute `dir`), shown with the best trials. */
import type { ReportSection } from '@vaekit/report';

export const VAE_PICTURES = ['reconstructions', 'samples', 'traversals'] as const;

export const vaePicturesSection: ReportSection = {
  id: 'vae-pictures',
  pictures: {
    folder: (t) => (typeof t.userAttrs.dir === 'string' ? t.userAttrs.dir : undefined),
    files: VAE_PICTURES.map((name) => ({ name, file: `${name}.png` })),
    description: 'inputs above their reconstructions, samples from the prior, and latent traversals (one row per latent dimension, most used first, swept from \u22123 to 3)',
  },
};
