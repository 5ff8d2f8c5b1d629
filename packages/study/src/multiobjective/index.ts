/** Multi-objective studies: Pareto dominance, non-dominated sorting, crowding distance, hypervolume and the front a study shows. */
export { crowdingDistances, dominates, dominatesMin, nonDominatedFronts, paretoFront, paretoRanks, toMinimize, trialValues } from './pareto';
export { hypervolume } from './hypervolume';
export { frontSummary, worstPoint, type FrontSummary } from './front';
