import { ExecutorAbortError, type MapOptions, type Task, type TaskResult } from "./types.js";

/**
 * The scheduling loop shared by executors: keeps up to `concurrency` tasks in flight, reports
 * progress, and on abort cancels what runs, waits for it to stop, and rejects.
 */
export function mapWith<R, P, J extends { promise: Promise<TaskResult<unknown>> } = { promise: Promise<TaskResult<unknown>> }>(
  tasks: ReadonlyArray<Task<P>>,
  options: MapOptions<R>,
  concurrency: number,
  submit: (task: Task<P>) => J,
  cancel: (job: J) => void,
): Promise<Array<TaskResult<R>>> {
  const total = tasks.length;
  const results: Array<TaskResult<R> | undefined> = new Array(total).fill(undefined);
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(new ExecutorAbortError(results));
  return new Promise((resolveMap, rejectMap) => {
    const inflight = new Set<J>();
    let next = 0;
    let done = 0;
    let failed = 0;
    let stopped = false;
    const stop = (error: Error) => {
      if (stopped) return;
      stopped = true;
      signal?.removeEventListener("abort", onAbort);
      const running = [...inflight];
      for (const j of running) cancel(j);
      void Promise.all(running.map((j) => j.promise)).then(() => rejectMap(error));
    };
    const onAbort = () => stop(new ExecutorAbortError(results));
    const launch = () => {
      while (!stopped && inflight.size < concurrency && next < total) {
        const index = next++;
        const job = submit(tasks[index]!);
        inflight.add(job);
        void job.promise.then((result) => {
          inflight.delete(job);
          if (stopped) return;
          results[index] = result as TaskResult<R>;
          done++;
          if (!result.ok) failed++;
          try {
            onProgress?.({ index, result: result as TaskResult<R>, done, failed, total });
          } catch (e) {
            stop(e instanceof Error ? e : new Error(String(e)));
            return;
          }
          if (done === total) {
            signal?.removeEventListener("abort", onAbort);
            resolveMap(results as Array<TaskResult<R>>);
          } else launch();
        });
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    if (total === 0) {
      signal?.removeEventListener("abort", onAbort);
      resolveMap([]);
      return;
    }
    launch();
  });
}
