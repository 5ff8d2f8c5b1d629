import type { Pruner, PrunerContext } from './pruner';

/** Never prunes. */
export class NopPruner implements Pruner {
  readonly name = 'none';
  shouldPrune(_ctx?: PrunerContext): boolean {
    return false;
  }
}
