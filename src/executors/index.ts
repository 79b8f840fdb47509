/**
 * Executors run serialisable tasks (`{ kind, payload }`) registered in task modules: a
 * worker_threads pool with one SpiceEngine per worker, or in process. A cluster executor can
 * implement the same {@link Executor} interface (see its documentation).
 * @module executors
 */
export * from "./types.js";
export { LocalWorkerPool, type LocalWorkerPoolOptions } from "./pool.js";
export { InProcessExecutor, type InProcessExecutorOptions } from "./in-process.js";
export { createTaskContext, runTask, loadTaskRegistry, errorInfo } from "./runtime.js";
export { mapWith } from "./schedule.js";
