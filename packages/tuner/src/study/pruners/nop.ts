import type { Pruner } from './pruner';

/** Never prunes. */
export class NopPruner implements Pruner {
  readonly name = 'none';
  shouldPrune(): boolean {
    return false;
  }
}
