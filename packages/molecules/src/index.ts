/**
 * @vaekit/molecules: the chemistry of SMILES VAEs on RDKit's WebAssembly build. Canonical SMILES,
 * descriptors, QED as RDKit computes it, Morgan fingerprints and Tanimoto similarity, and the MOSES
 * metrics of a set of generated molecules, and grids of molecule drawings as SVG.
 */
export { loadRDKit, withMol, compileSmarts, RDKitModule, RDKitMol } from './rdkit';
export { Chemistry, MoleculeDescription, loadChemistry } from './chemistry/chemistry';
export { Descriptors, descriptorsOf } from './chemistry/descriptors';
export { MorganOptions, MORGAN_DEFAULTS, morganBits, tanimoto } from './chemistry/fingerprint';
export { QedCalculator, QedProperties, QED_WEIGHTS_MEAN, QED_WEIGHTS_NONE, desirability, qedFromProperties } from './chemistry/qed';
export { MoleculeSetAccumulator, moleculeSetMetrics, referenceSet, ReferenceSet, SetMetrics, SetMetricsOptions } from './metrics/moses';
export { internalDiversity } from './metrics/diversity';
export { distribution, Distribution, frechet1d, histogram, Histogram, HISTOGRAM_RANGES, PROPERTY_NAMES, PropertyName } from './metrics/distribution';
export { GridMolecule, MoleculeGridOptions, GRID_DEFAULTS, moleculeGridSvg, moleculeGridSvgWith } from './draw/grid';
export { SanitizedSvg, escapeXml, sanitizeSvg } from './draw/sanitize';
