import { TrialPruned, VaekitError } from '@vaekit/study';
import type { FrozenTrial, Objective } from '@vaekit/study';

/** The user attribute that keeps how a failed trial would have ended as a command: 2 (the input's fault) or 1. */
export const FAILURE_EXIT_CODE = 'failureExitCode';

/**
 * The objective, keeping with each failed trial whether its error was the input's fault (a
 * VaekitError with exit code 2, such as a missing data file) or a failure at run time (1), so
 * that a study whose every trial failed can end with the right exit code, whichever process ran
 * the trials.
 */
export function recordingFailures(objective: Objective): Objective {
  return async (trial) => {
    try {
      return await objective(trial);
    } catch (e) {
      if (!(e instanceof TrialPruned)) {
        try {
          await trial.setUserAttr(FAILURE_EXIT_CODE, e instanceof VaekitError ? e.exitCode : 1);
        } catch {
          // The storage failed too: the trial's own error says more than this one.
        }
      }
      throw e;
    }
  };
}

/** A trial's error as one line, with its own folder's number left out so that equal errors compare equal. */
const firstLine = (t: FrozenTrial) => (t.error ?? 'no error recorded').split('\n')[0];
const sameness = (t: FrozenTrial) => firstLine(t).replace(/trial-\d+/g, 'trial-N');

/**
 * How the trials of a finished search went, when some failed. Every trial failed (none completed
 * or was pruned): an error for the command to end with, its exit code 2 when every failure was the
 * input's fault, else 1. Some failed: one line saying how many. None failed: nothing.
 */
export function failureOutcome(trials: FrozenTrial[], summaryFile: string): { error?: VaekitError; note?: string } {
  const failed = trials.filter((t) => t.state === 'FAIL').sort((a, b) => a.number - b.number);
  if (!failed.length) return {};
  const finished = trials.filter((t) => t.state === 'COMPLETE' || t.state === 'PRUNED').length;
  if (finished > 0) return { note: `${failed.length} of ${failed.length + finished} trials failed; their errors are in ${summaryFile}` };
  const exitCode = failed.every((t) => t.userAttrs?.[FAILURE_EXIT_CODE] === 2) ? 2 : 1;
  const kinds = new Set(failed.map(sameness));
  const n = `every one of the ${failed.length} trials`;
  const message =
    failed.length === 1
      ? `search: the only trial failed: ${firstLine(failed[0])} (the trial is in ${summaryFile})`
      : kinds.size === 1
        ? `search: ${n} failed with the same error: ${firstLine(failed[0])} (no trial completed; the trials are in ${summaryFile})`
        : `search: ${n} failed, with ${kinds.size} different errors, the first (trial ${failed[0].number}): ${firstLine(failed[0])} (no trial completed; every error is in ${summaryFile})`;
  return { error: new VaekitError(message, { exitCode }) };
}
