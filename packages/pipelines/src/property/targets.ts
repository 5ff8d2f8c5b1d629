/**
 * The per-molecule targets of model.property: each split's SMILES (the sequences as the model sees
 * them, detokenised) described with RDKit from the optional package @vaekit/molecules, loaded only
 * here and only when a config asks for properties. Core gets plain numbers.
 */
import { ConfigError, printable, Dataset, DataSplit, propertyStats, TrainConfig, Vocabulary } from '@vaekit/core';
import { createHash } from 'crypto';
import { Molecules, requireMolecules } from '../text/molecules-optional';

type Chemistry = Awaited<ReturnType<Molecules['loadChemistry']>>;

/** The properties model.property may name, as @vaekit/molecules' describe() gives them. */
export const PREDICTABLE_PROPERTIES = ['qed', 'logp', 'tpsa', 'mw'] as const;
export type PredictableProperty = (typeof PREDICTABLE_PROPERTIES)[number];

/**
 * Checks that a config's model.property can apply to its data: only a `text` dataset with
 * `tokenizer: smiles`, and property names RDKit can compute (the schema checks them too; this
 * guards callers that skip it). Without `data` it reads the config alone (before the data are
 * loaded); with it, the tokenizer the loaded data were cut with.
 */
export function checkPropertyConfig(config: TrainConfig, file?: string, data?: Pick<Dataset, 'vocab'>): void {
  const spec = config.model.property;
  if (!spec) return;
  const where = `${file ? file + ': ' : ''}model.property`;
  const use = config.data.use;
  const kind = data ? data.vocab?.tokenizer.kind : use === 'text' ? String(config.data.tokenizer ?? 'words') : undefined;
  if (kind !== 'smiles') {
    const found = kind ? `a text dataset with tokenizer: ${kind}` : `data.use: ${printable(use)}, which is not text`;
    throw new ConfigError(`${where}: property prediction needs SMILES (data: { use: text, tokenizer: smiles }), found ${found}`, 'model.property');
  }
  for (const name of spec.names) {
    if (!(PREDICTABLE_PROPERTIES as readonly string[]).includes(name)) {
      throw new ConfigError(`${where}.names: unknown property "${printable(name)}" (expected one of ${PREDICTABLE_PROPERTIES.join(', ')})`, 'model.property.names');
    }
  }
}

/** The SMILES of each sequence of a split: its tokens joined; a sequence holding <unk> has none. */
function splitSmiles(split: DataSplit, vocab: Vocabulary): (string | undefined)[] {
  const seq = split.seq!;
  const out: (string | undefined)[] = [];
  for (let i = 0; i + 1 < seq.offsets.length; i++) {
    let s = '';
    let unknown = false;
    for (let k = seq.offsets[i]; k < seq.offsets[i + 1]; k++) {
      const id = seq.tokens[k];
      if (id < 4) unknown = true; // <unk> (specials never occur inside a sequence otherwise)
      else s += vocab.tokens[id];
    }
    out.push(unknown ? undefined : s);
  }
  return out;
}

/** [n, k] properties in original units, NaN for a SMILES RDKit cannot parse; and how many those are. */
function describeSplit(chem: Chemistry, smiles: (string | undefined)[], names: PredictableProperty[]): { targets: Float32Array; invalid: number } {
  const k = names.length;
  const targets = new Float32Array(smiles.length * k).fill(NaN);
  let invalid = 0;
  // QED needs its own descriptors and alerts; without it RDKit's descriptor set is half the work.
  const qed = names.includes('qed');
  smiles.forEach((s, i) => {
    const d: Partial<Record<PredictableProperty, number>> | undefined = s === undefined ? undefined : qed ? validOnly(chem.describe(s)) : chem.descriptors(s);
    if (!d) {
      invalid++;
      return;
    }
    names.forEach((name, j) => {
      const v = d[name];
      if (v !== undefined && Number.isFinite(v)) targets[i * k + j] = v;
    });
  });
  return { targets, invalid };
}

function validOnly<T extends { valid: boolean }>(d: T): T | undefined {
  return d.valid ? d : undefined;
}

/**
 * The splits described last in this process, by a hash of their SMILES (in order) and the property
 * names: the trials of a search load the same data again and again, and RDKit is the slow part.
 * At most one entry per split, so memory stays that of the data.
 */
const recent = new Map<string, { targets: Float32Array; invalid: number }>();

function describeCached(chem: Chemistry, smiles: (string | undefined)[], names: PredictableProperty[]): { targets: Float32Array; invalid: number } {
  const hash = createHash('sha256').update(names.join(',')).update('\0');
  for (const s of smiles) hash.update(s === undefined ? '\u0001' : s).update('\n');
  const key = hash.digest('hex');
  const hit = recent.get(key);
  if (hit) return { targets: hit.targets.slice(), invalid: hit.invalid };
  const out = describeSplit(chem, smiles, names);
  recent.set(key, { targets: out.targets.slice(), invalid: out.invalid });
  while (recent.size > 3) recent.delete(recent.keys().next().value!);
  return out;
}

/**
 * The dataset with the properties model.property names: every split gets its targets, and the
 * data info the training split's mean and sd. Invalid training SMILES get no property loss; how
 * many there are is written to `log`.
 */
export async function withPropertyTargets(config: TrainConfig, data: Dataset, log: NodeJS.WritableStream, file?: string): Promise<Dataset> {
  checkPropertyConfig(config, file, data);
  const names = config.model.property!.names as PredictableProperty[];
  const { loadChemistry } = requireMolecules('model.property');
  const chem = await loadChemistry();
  const vocab = data.vocab!;
  const t0 = Date.now();
  const described = [data.train, data.validation, data.test].map((split) => describeCached(chem, splitSmiles(split, vocab), names));
  const [train, validation, test] = described;
  const stats = propertyStats(names, train.targets);
  const seconds = (Date.now() - t0) / 1000;
  const invalid = train.invalid ? `; ${train.invalid} invalid training SMILES get no property loss` : '';
  log.write(
    `vaekit: properties ${names.join(', ')} of ${data.train.n + data.validation.n + data.test.n} molecules computed with RDKit in ${seconds.toFixed(1)} s` +
      ` (training mean ± sd: ${names.map((n, j) => `${n} ${fmt(stats.mean[j])} ± ${fmt(stats.sd[j])}`).join(', ')})${invalid}\n`,
  );
  return {
    ...data,
    info: { ...data.info, properties: stats },
    train: { ...data.train, targets: train.targets },
    validation: { ...data.validation, targets: validation.targets },
    test: { ...data.test, targets: test.targets },
  };
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3);
}
