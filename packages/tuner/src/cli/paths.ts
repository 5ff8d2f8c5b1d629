import * as fs from 'fs';
import * as path from 'path';

/**
 * The folder of ready configs: `configs/` in the working directory or a parent of it (the
 * monorepo's root when run through Nx or npx), else `configs/` in the working directory.
 */
export function findConfigsDir(start = process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    const c = path.join(dir, 'configs');
    if (fs.existsSync(c) && fs.statSync(c).isDirectory()) return c;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve(start, 'configs');
}
