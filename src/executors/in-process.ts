import { z } from "zod";
import { createTaskContext, loadTaskRegistry, moduleUrls, runTask } from "./runtime.js";
import { mapWith } from "./schedule.js";
import type { Executor, ExecutorOptions, MapOptions, Task, TaskRegistry, TaskResult } from "./types.js";

export interface InProcessExecutorOptions extends Partial<ExecutorOptions> {
  /** Task kinds given directly instead of (or on top of) `taskModules`. */
  tasks?: TaskRegistry;
}

const optionsSchema = z.object({
  taskModules: z.array(z.union([z.string().min(1), z.instanceof(URL)])).optional(),
  kernels: z.array(z.string().min(1)).optional(),
  tasks: z.record(z.string(), z.function()).optional(),
});

/**
 * The {@link Executor} contract on the calling thread: one task at a time, one SpiceEngine,
 * payloads and results structured-cloned as a worker would see them. For tests, debugging
 * (breakpoints, stack traces) and tiny jobs. A task that calls `process.exit` ends the process
 * here, unlike in {@link LocalWorkerPool}; abort takes effect between tasks.
 */
export class InProcessExecutor implements Executor {
  readonly name = "in-process";
  readonly size = 1;
  private readonly context;
  private registry?: Promise<TaskRegistry>;
  private closed = false;

  constructor(private readonly options: InProcessExecutorOptions) {
    optionsSchema.parse(options);
    this.context = createTaskContext(0, options.kernels ?? []);
  }

  map<R = unknown, P = unknown>(tasks: ReadonlyArray<Task<P>>, options: MapOptions<R> = {}): Promise<Array<TaskResult<R>>> {
    if (this.closed) return Promise.reject(new Error("in-process executor is closed"));
    this.registry ??= loadTaskRegistry(moduleUrls(this.options.taskModules ?? [])).then((r) => {
      for (const [kind, h] of Object.entries(this.options.tasks ?? {})) {
        if (r[kind]) throw new Error(`task kind '${kind}' is defined twice`);
        r[kind] = h;
      }
      return r;
    });
    // One task at a time: the engine is shared and SPICE calls are synchronous anyway.
    let chain: Promise<unknown> = Promise.resolve();
    return mapWith<R, P>(tasks, options, 1, (task) => {
      const promise = chain.then(() => this.runOne(task as Task, options.timeoutMs));
      chain = promise;
      return { promise };
    }, () => {
      // Nothing to interrupt on this thread; the running task finishes, later ones are not started.
    });
  }

  private async runOne(task: Task, timeoutMs?: number): Promise<TaskResult<unknown>> {
    let registry: TaskRegistry;
    try {
      registry = await this.registry!;
    } catch (e) {
      return { ok: false, reason: "init", error: { name: "Error", message: `task modules could not be loaded: ${(e as Error).message}`, stack: (e as Error).stack }, workerId: 0, durationMs: 0 };
    }
    const result = await runTask(registry, structuredClone(task), this.context);
    if (result.ok && timeoutMs !== undefined && result.durationMs > timeoutMs) {
      return { ok: false, reason: "timeout", error: { name: "Error", message: `task '${task.kind}' took ${result.durationMs.toFixed(0)} ms, over ${timeoutMs} ms` }, workerId: 0, durationMs: result.durationMs };
    }
    try {
      return result.ok ? { ...result, value: structuredClone(result.value) } : result;
    } catch (e) {
      return { ok: false, reason: "error", error: { name: (e as Error).name, message: `task ${task.kind} returned a value that cannot cross threads: ${(e as Error).message}` }, workerId: 0, durationMs: result.durationMs };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.context.dispose();
  }
}
