import type { KernelInfo, SpiceEngine } from "../spice/index.js";

/**
 * A unit of work: a plain, structured-clonable object naming a task kind registered in a
 * task module (see {@link TaskRegistry}). Tasks must be pure given their payload and the files
 * it names, so any executor (thread pool, in-process, batch scheduler) can run them.
 */
export interface Task<P = unknown> {
  /** Registered kind, e.g. `orbit-trace/asteroid`. */
  kind: string;
  payload: P;
}

/** What a failed task reports. */
export interface TaskErrorInfo {
  name: string;
  message: string;
  stack?: string;
  /** Own enumerable fields of the error that are strings or numbers (e.g. `file`, `reason`, `path`). */
  details?: Record<string, string | number>;
}

export interface TaskSuccess<R> {
  ok: true;
  value: R;
  /** Worker (1-based) that ran it; 0 for the in-process executor. */
  workerId: number;
  durationMs: number;
}

export interface TaskFailure {
  ok: false;
  /**
   * `error`: the task threw; `worker-exit`: its worker died (crash, `process.exit`, out of memory)
   * and was replaced; `timeout`: it ran longer than `timeoutMs` and its worker was replaced;
   * `init`: the executor could not start a worker or load the task modules; `aborted`: the
   * map was aborted before it finished.
   */
  reason: "error" | "worker-exit" | "timeout" | "init" | "aborted";
  error: TaskErrorInfo;
  workerId: number;
  durationMs: number;
}

export type TaskResult<R> = TaskSuccess<R> | TaskFailure;

/** Reported after each task finishes, in completion order. */
export interface ProgressEvent<R> {
  /** Index of the task in the `tasks` array. */
  index: number;
  result: TaskResult<R>;
  done: number;
  failed: number;
  total: number;
}

export interface MapOptions<R> {
  /** Tasks in flight at once (default and maximum: the executor's size). */
  concurrency?: number;
  onProgress?: (event: ProgressEvent<R>) => void;
  /** Aborting stops scheduling, terminates the workers running this map's tasks and rejects with {@link ExecutorAbortError}. */
  signal?: AbortSignal;
  /** Per-task wall-clock limit; a task over it fails with reason `timeout` (its worker is replaced). */
  timeoutMs?: number;
}

/**
 * Runs tasks and returns one result per task, in task order. A task that throws, or whose worker
 * dies, gives a {@link TaskFailure}; it never rejects the whole map. `map` rejects only on abort
 * (with {@link ExecutorAbortError}) or when the executor is closed.
 *
 * Implementations: {@link LocalWorkerPool} (worker_threads, one SpiceEngine per worker) and
 * {@link InProcessExecutor} (same semantics on the calling thread, for tests and debugging).
 *
 * A cluster executor (Slurm array, HTCondor) fits the same contract because tasks and results
 * are plain data: `map` would write the tasks as JSON lines to a shared directory, submit one
 * array job whose element `i` runs `tno worker-task <dir> <i>` (loading the same task modules
 * and calling the same `runTask` as the thread worker, with one SpiceEngine per process), poll for
 * `<dir>/result-<i>.json` files, report each through `onProgress`, map a job that ended without
 * a result file (scheduler kill, node failure) to reason `worker-exit`, and `scancel`/`condor_rm`
 * on abort. Kernels must then live on a shared file system; payloads already carry paths only.
 */
export interface Executor {
  /** Short name for logs, e.g. `worker-pool(2)`. */
  readonly name: string;
  /** Workers (or slots) that run tasks in parallel. */
  readonly size: number;
  map<R = unknown, P = unknown>(tasks: ReadonlyArray<Task<P>>, options?: MapOptions<R>): Promise<Array<TaskResult<R>>>;
  /** Stops the workers and frees the SPICE instances. The executor cannot be used afterwards. */
  close(): Promise<void>;
}

/** Thrown by {@link Executor.map} when its signal aborts; carries what had finished. */
export class ExecutorAbortError extends Error {
  override readonly name = "AbortError";
  constructor(
    /** Results of the tasks that finished before the abort (undefined for the others), in task order. */
    readonly results: ReadonlyArray<TaskResult<unknown> | undefined>,
  ) {
    super(`aborted after ${results.filter((r) => r !== undefined).length} of ${results.length} tasks`);
  }
}

/** Per-worker services a task handler gets. */
export interface TaskContext {
  /** 1-based worker number (0 in process). */
  readonly workerId: number;
  /** The worker's SpiceEngine, created on first use; the executor's `kernels` are loaded once, then. */
  engine(): Promise<SpiceEngine>;
  /** Loads the kernels this worker has not loaded yet (same path, size and mtime = loaded), in order. */
  useKernels(paths: readonly string[]): Promise<SpiceEngine>;
  /**
   * Loads a kernel into a named slot (e.g. the per-object SPK into `target`), replacing what the
   * slot held; a no-op when the slot already holds this file.
   */
  useSlot(slot: string, path: string): Promise<KernelInfo>;
  /** Counters, for tests and logs. */
  readonly stats: WorkerStats;
}

export interface WorkerStats {
  enginesCreated: number;
  kernelLoads: number;
  slotLoads: number;
  slotHits: number;
  tasksRun: number;
}

/** Runs one task kind. Must return a structured-clonable value (plain objects, typed arrays). */
export type TaskHandler<P = any, R = unknown> = (payload: P, context: TaskContext) => R | Promise<R>;

/**
 * Task kinds by name. A task module exports one as `tasks`; executors are given the modules'
 * URLs and each worker imports them once.
 */
export type TaskRegistry = Record<string, TaskHandler>;

/** Identity helper that types a task module's `tasks` export. */
export function defineTasks<T extends TaskRegistry>(tasks: T): T {
  return tasks;
}

/** Options shared by every executor. */
export interface ExecutorOptions {
  /**
   * Modules exporting `tasks` ({@link TaskRegistry}): file URLs, or paths (relative to the
   * current directory). `.ts` modules work when tsx is installed (dev and tests).
   */
  taskModules: ReadonlyArray<string | URL>;
  /** Kernels every worker loads once, when a task first asks for its engine (e.g. planetary SPK, LSK). */
  kernels?: readonly string[];
}
