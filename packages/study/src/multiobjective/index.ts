/** Multi-objective studies: Pareto dominance, non-dominated sorting, crowding distance and hypervolume. */
export { crowdingDistances, dominates, dominatesMin, nonDominatedFronts, paretoFront, paretoRanks, toMinimize, trialValues } from './pareto';
export { hypervolume } from './hypervolume';
