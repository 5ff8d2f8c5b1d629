import { spawn } from 'child_process';
import * as path from 'path';
import { VaekitError } from '@vaekit/study';
import type { FrozenTrial } from '@vaekit/study';

/** The prefix of the line on which a worker process reports a finished trial (its JSON follows). */
export const WORKER_LINE = '@@vaekit-trial ';

/** In a worker process: reports a finished trial to the parent on stdout. */
export function reportTrial(t: FrozenTrial): void {
  process.stdout.write(WORKER_LINE + JSON.stringify(t) + '\n');
}

/**
 * Starts k processes of the vaekit CLI with `args` (a command run with its worker flag, each
 * running trials of one shared study and reporting them with reportTrial), relays each finished
 * trial to `onEnd` in order, and fails only when every worker failed.
 */
export async function runWorkerProcesses(args: string[], k: number, onEnd: (t: FrozenTrial) => Promise<void>, log: NodeJS.WritableStream): Promise<void> {
  const main = path.join(__dirname, '..', 'cli', 'main.js');
  const children = Array.from({ length: k }, () => spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const stop = () => children.forEach((c) => c.kill('SIGTERM'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let chain = Promise.resolve();
  const codes = await Promise.all(
    children.map(
      (c, i) =>
        new Promise<number>((done) => {
          let buf = '';
          let err = '';
          c.stdout.on('data', (d) => {
            buf += d;
            let nl;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (line.startsWith(WORKER_LINE)) {
                const t = JSON.parse(line.slice(WORKER_LINE.length));
                chain = chain.then(() => onEnd(t));
              }
            }
          });
          c.stderr.on('data', (d) => (err += d));
          c.on('close', (code) => {
            if (code) log.write(`vaekit: worker ${i + 1} exited with code ${code}: ${err.trim().split('\n').filter((l) => !l.startsWith('vaekit: backend') && !l.startsWith('vaekit: native kernels')).join(' ').slice(0, 500)}\n`);
            done(code ?? 1);
          });
        }),
    ),
  );
  await chain;
  process.removeListener('SIGINT', stop);
  process.removeListener('SIGTERM', stop);
  if (codes.every((c) => c !== 0)) throw new VaekitError('every worker process failed (see the messages above)');
}
