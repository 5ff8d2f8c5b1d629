/**
 * `vaekit studies` and `vaekit trials`: what a study storage holds, read without writing to it.
 * Stored strings (study and parameter names, values, error messages) come from whoever wrote the
 * database, so they are printed with their control characters made visible, and the storage URL
 * is shown without its password.
 */
import * as fs from 'fs';
import * as path from 'path';
import { frontSummary, openStorage, parseStorageUrl, printable, redactStorageUrl, UNPRINTABLE, UsageError } from '@vaekit/study';
import type { StudySummary, VaekitStorage } from '@vaekit/study';

/** JSON text whose strings show control characters, bidi controls and separators as \uNNNN escapes (JSON.stringify leaves C1 and bidi controls raw). */
export function printableJson(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(value).replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export async function runListing(command: 'studies' | 'trials', flags: { storage?: unknown; study?: unknown; json?: unknown }): Promise<void> {
  const defaultSqlitePath = path.join('out', 'studies.db');
  const url = String(flags.storage ?? `sqlite:${defaultSqlitePath}`);
  const shown = redactStorageUrl(url);
  const target = parseStorageUrl(url, { defaultSqlitePath });
  if (target.kind === 'sqlite' && target.path !== ':memory:' && !fs.existsSync(target.path)) {
    throw new UsageError(`vaekit ${command}: no study storage at ${printable(shown)} (run vaekit search first, or pass --storage URL)`);
  }
  const storage = await openStorage(url, { defaultSqlitePath }, { readOnly: true });
  try {
    if (command === 'studies') {
      const list = await withHypervolumes(storage, await storage.listStudies());
      if (flags.json) return void process.stdout.write(printableJson(list) + '\n');
      for (const st of list) {
        const c = st.counts;
        const multi = st.directions.length > 1;
        process.stdout.write(
          `${printable(st.name)}  ${multi ? `[${st.directions.map(printable).join(', ')}]` : printable(st.direction)}  complete ${c.COMPLETE ?? 0}  pruned ${c.PRUNED ?? 0}  running ${c.RUNNING ?? 0}  failed ${c.FAIL ?? 0}` +
            (st.best ? `  best: trial ${st.best.number} = ${st.best.value}` : '') +
            (multi && st.front?.length ? `  front: trial${st.front.length > 1 ? 's' : ''} ${st.front.map((f) => f.number).join(', ')}` : '') +
            (st.hypervolume ? `  hypervolume ${+st.hypervolume.value.toPrecision(6)} against (${st.hypervolume.reference.map((v) => +v.toPrecision(6)).join(', ')})` : '') +
            '\n',
        );
        if (multi) {
          for (const f of st.front ?? []) process.stdout.write(`  trial ${f.number}: ${f.values.map((v) => +v.toPrecision(6)).join(' / ')}  ${printable(JSON.stringify(f.params))}\n`);
        }
      }
      if (!list.length) process.stdout.write(`no studies in ${printable(shown)}\n`);
      return;
    }
    if (!flags.study) throw new UsageError('vaekit trials: --study NAME is required');
    const st = await storage.getStudy(String(flags.study));
    if (!st) throw new UsageError(`vaekit trials: no study "${printable(String(flags.study))}" in ${printable(shown)} (vaekit studies --storage ${printable(shown)} lists them)`);
    const trials = await storage.getTrials(st.id);
    if (flags.json) return void process.stdout.write(printableJson(trials) + '\n');
    for (const t of trials) {
      process.stdout.write(`${t.number}\t${t.state}\t${t.values ? t.values.join(' / ') : (t.value ?? '')}\t${printable(JSON.stringify(t.params))}${t.error ? '\t' + printable(t.error) : ''}\n`);
    }
  } finally {
    await storage.close();
  }
}

type Listed = StudySummary & { hypervolume?: { value: number; reference: number[]; referenceGiven: boolean } };

/**
 * Multi-objective studies with the hypervolume of their front, against the study's reference point
 * (attribute referencePoint, set by vaekit search's study.referencePoint) or the worst value of
 * each objective among its COMPLETE trials (see frontSummary).
 */
async function withHypervolumes(storage: VaekitStorage, list: StudySummary[]): Promise<Listed[]> {
  const out: Listed[] = [];
  for (const st of list) {
    if (st.directions.length < 2) {
      out.push(st);
      continue;
    }
    const stored = await storage.getStudy(st.name);
    const ref = stored?.attrs.referencePoint;
    const given = Array.isArray(ref) && ref.length === st.directions.length && ref.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (ref as number[]) : undefined;
    const f = stored && frontSummary(await storage.getTrials(stored.id, ['COMPLETE']), st.directions, given);
    out.push(f ? { ...st, hypervolume: { value: f.hypervolume, reference: f.reference, referenceGiven: f.referenceGiven } } : st);
  }
  return out;
}
