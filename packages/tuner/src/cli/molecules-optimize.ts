/** `vaekit molecules optimize`: latent-space search for molecules with a wanted property. */
import { UsageError } from '@vaekit/study';

export async function optimize(argv: string[]): Promise<void> {
  void argv;
  throw new UsageError('vaekit molecules optimize: not available yet');
}
