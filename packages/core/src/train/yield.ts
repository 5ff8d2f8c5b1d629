/**
 * tfjs work on wasm and cpu is synchronous: a long stretch of it starves timers and I/O (a study
 * worker's heartbeat, signals, a dashboard's polling). A yielder lets them run at most every
 * `everyMs` milliseconds; call it after each step or batch — it is nearly free when not due.
 */
export function eventLoopYielder(everyMs = 250): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < everyMs) return;
    await new Promise<void>((r) => setImmediate(r));
    last = Date.now();
  };
}
