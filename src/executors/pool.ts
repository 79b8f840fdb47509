import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import { errorInfo, moduleUrls } from "./runtime.js";
import { mapWith } from "./schedule.js";
import type { RunMessage, WorkerInit, WorkerMessage } from "./worker.js";
import {
  type Executor,
  type ExecutorOptions,
  type MapOptions,
  type Task,
  type TaskErrorInfo,
  type TaskFailure,
  type TaskResult,
} from "./types.js";

export interface LocalWorkerPoolOptions extends ExecutorOptions {
  /** Worker threads (default: `os.availableParallelism()`). Each holds one SpiceEngine (~100 MB). */
  size?: number;
}

const optionsSchema = z.object({
  taskModules: z.array(z.union([z.string().min(1), z.instanceof(URL)])).min(1, "at least one task module is needed"),
  kernels: z.array(z.string().min(1)).optional(),
  size: z.number().int().min(1).max(1024).optional(),
});

interface Job {
  seq: number;
  task: Task;
  timeoutMs?: number;
  slot?: Slot;
  started: number;
  timer?: NodeJS.Timeout;
  settled: boolean;
  resolve: (r: TaskResult<unknown>) => void;
  promise: Promise<TaskResult<unknown>>;
}

interface Slot {
  id: number;
  worker: Worker;
  ready: boolean;
  job?: Job;
  lastError?: Error;
  /** Set when the pool terminated the worker on purpose. */
  killedFor?: "aborted" | "timeout";
}

/**
 * A pool of worker threads. Each worker imports the task modules once and owns one SpiceEngine
 * (created on its first SPICE task, with the pool's `kernels` loaded once), so per-object SPKs
 * are cycled in slots and planetary kernels are not reloaded per task. Workers start lazily,
 * are unreferenced while idle (a forgotten `close()` does not keep the process alive), and a
 * worker that dies is replaced while its task is reported failed.
 *
 * In development (this file running as `.ts` under tsx) each worker registers tsx itself
 * through `tsx/esm/api` before importing `worker.ts`: Node 20 does not apply `--import tsx`
 * to worker threads. From `dist/` the worker is plain `worker.js`.
 */
export class LocalWorkerPool implements Executor {
  readonly name: string;
  readonly size: number;
  private readonly urls: string[];
  private readonly kernels: string[];
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private seq = 0;
  private nextWorkerId = 1;
  private fatal?: TaskErrorInfo;
  private closed = false;

  constructor(options: LocalWorkerPoolOptions) {
    const o = optionsSchema.parse(options);
    this.size = o.size ?? availableParallelism();
    this.urls = moduleUrls(o.taskModules);
    this.kernels = [...(o.kernels ?? [])];
    this.name = `worker-pool(${this.size})`;
  }

  /** Workers alive now (started lazily, up to `size`). */
  get liveWorkers(): number {
    return this.slots.size;
  }

  map<R = unknown, P = unknown>(tasks: ReadonlyArray<Task<P>>, options: MapOptions<R> = {}): Promise<Array<TaskResult<R>>> {
    if (this.closed) return Promise.reject(new Error(`${this.name} is closed`));
    const concurrency = Math.max(1, Math.min(this.size, Math.floor(options.concurrency ?? this.size)));
    return mapWith<R, P, Job>(tasks, options, concurrency, (task) => this.submit(task as Task, options.timeoutMs), (job) => this.cancel(job));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) this.finish(job, failure("aborted", new Error(`${this.name} closed`), 0));
    const exits = [...this.slots].map((s) => {
      s.killedFor ??= "aborted";
      return s.worker.terminate();
    });
    await Promise.all(exits);
  }

  private submit(task: Task, timeoutMs?: number): Job {
    let resolve!: (r: TaskResult<unknown>) => void;
    const promise = new Promise<TaskResult<unknown>>((r) => (resolve = r));
    const job: Job = { seq: ++this.seq, task, timeoutMs, started: 0, settled: false, resolve, promise };
    if (this.fatal) this.finish(job, { ok: false, reason: "init", error: this.fatal, workerId: 0, durationMs: 0 });
    else {
      this.queue.push(job);
      this.pump();
    }
    return job;
  }

  private cancel(job: Job): void {
    if (job.settled) return;
    const q = this.queue.indexOf(job);
    if (q >= 0) {
      this.queue.splice(q, 1);
      this.finish(job, failure("aborted", new Error("aborted before it started"), 0));
    } else if (job.slot) {
      job.slot.killedFor = "aborted";
      void job.slot.worker.terminate();
    }
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed && !this.fatal) {
      let idle: Slot | undefined;
      for (const s of this.slots) if (!s.job && !s.killedFor) idle = s;
      if (!idle) {
        if (this.slots.size >= this.size) return;
        idle = this.spawn();
        if (!idle) return;
      }
      this.assign(idle, this.queue.shift()!);
    }
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    job.slot = slot;
    slot.worker.ref();
    // A fresh worker's start-up (module loading) does not count against the task.
    if (slot.ready) this.startClock(slot, job);
    slot.worker.postMessage({ type: "run", seq: job.seq, task: job.task } satisfies RunMessage);
  }

  private startClock(slot: Slot, job: Job): void {
    job.started = performance.now();
    if (job.timeoutMs === undefined) return;
    job.timer = setTimeout(() => {
      slot.killedFor = "timeout";
      void slot.worker.terminate();
    }, job.timeoutMs);
  }

  private spawn(): Slot | undefined {
    const id = this.nextWorkerId++;
    const init: WorkerInit = { workerId: id, moduleUrls: this.urls, kernels: this.kernels };
    let worker: Worker;
    try {
      worker = startWorker(init, this.urls);
    } catch (e) {
      this.setFatal(errorInfo(e));
      return undefined;
    }
    const slot: Slot = { id, worker, ready: false };
    this.slots.add(slot);
    worker.unref();
    worker.on("message", (msg: WorkerMessage) => {
      if (msg.type === "ready") {
        slot.ready = true;
        if (slot.job) this.startClock(slot, slot.job);
      }
      else if (msg.type === "result" && slot.job?.seq === msg.seq) {
        const job = slot.job;
        slot.job = undefined;
        if (!slot.killedFor) worker.unref();
        this.finish(job, msg.result);
        this.pump();
      }
    });
    worker.on("error", (e) => (slot.lastError = e));
    worker.on("exit", (code) => this.onExit(slot, code));
    return slot;
  }

  private onExit(slot: Slot, code: number): void {
    this.slots.delete(slot);
    const job = slot.job;
    slot.job = undefined;
    if (!slot.ready && !slot.killedFor && !this.closed) {
      // Dying before `ready` means the worker cannot start at all: respawning would loop.
      const cause = slot.lastError ?? new Error(`worker ${slot.id} exited with code ${code} before it started`);
      const info = errorInfo(cause);
      info.message = `worker could not start: ${info.message}`;
      this.setFatal(info, job);
      return;
    }
    if (job) {
      const ms = performance.now() - job.started;
      if (slot.killedFor === "timeout") this.finish(job, failure("timeout", new Error(`task '${job.task.kind}' exceeded ${job.timeoutMs} ms; worker ${slot.id} was stopped`), slot.id, ms));
      else if (slot.killedFor === "aborted") this.finish(job, failure("aborted", new Error(`task '${job.task.kind}' aborted; worker ${slot.id} was stopped`), slot.id, ms));
      else {
        const why = slot.lastError ? `${slot.lastError.name}: ${slot.lastError.message}` : `exit code ${code}`;
        const err = new Error(`worker ${slot.id} died while running task '${job.task.kind}' (${why}); it was replaced`);
        if (slot.lastError?.stack) err.stack = slot.lastError.stack;
        this.finish(job, failure("worker-exit", err, slot.id, ms));
      }
    }
    this.pump();
  }

  private setFatal(info: TaskErrorInfo, job?: Job): void {
    this.fatal = info;
    const jobs = [...(job ? [job] : []), ...this.queue.splice(0)];
    for (const j of jobs) this.finish(j, { ok: false, reason: "init", error: info, workerId: 0, durationMs: 0 });
  }

  private finish(job: Job, result: TaskResult<unknown>): void {
    if (job.settled) return;
    job.settled = true;
    if (job.timer) clearTimeout(job.timer);
    job.resolve(result);
  }
}

function failure(reason: TaskFailure["reason"], e: Error, workerId: number, durationMs = 0): TaskFailure {
  return { ok: false, reason, error: errorInfo(e), workerId, durationMs };
}

const LOADER_FLAGS = new Set(["--import", "--loader", "--experimental-loader", "--require", "-r"]);

/** The parent's execArgv without tsx loader flags, which Node 20 does not apply to workers anyway. */
function execArgvWithoutTsx(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf("=");
    if (eq > 0 && LOADER_FLAGS.has(a.slice(0, eq)) && a.includes("tsx")) continue;
    if (LOADER_FLAGS.has(a) && (args[i + 1] ?? "").includes("tsx")) {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function startWorker(init: WorkerInit, urls: readonly string[]): Worker {
  const here = import.meta.url;
  const dev = here.endsWith(".ts");
  const entry = new URL(dev ? "./worker.ts" : "./worker.js", here);
  const needsTsx = dev || urls.some((u) => /\.[cm]?ts$/.test(u));
  if (!needsTsx) return new Worker(entry, { workerData: init });
  let tsxApi: string;
  try {
    tsxApi = import.meta.resolve("tsx/esm/api");
  } catch {
    throw new Error("TypeScript task modules need the tsx package (npm install -D tsx), or run from dist/");
  }
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData: init, execArgv: execArgvWithoutTsx() });
}
