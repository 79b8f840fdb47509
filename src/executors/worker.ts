/**
 * Entry of a {@link LocalWorkerPool} worker thread: imports the task modules once, owns one
 * SpiceEngine (through its task context) and runs one task at a time.
 * Protocol: the worker posts `ready`, then answers every `run` with one `result`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createTaskContext, errorInfo, loadTaskRegistry, runTask } from "./runtime.js";
import type { Task, TaskErrorInfo, TaskRegistry, TaskResult } from "./types.js";

/** Data the pool hands each worker. */
export interface WorkerInit {
  workerId: number;
  moduleUrls: string[];
  kernels: string[];
}

/** Pool → worker. */
export interface RunMessage {
  type: "run";
  seq: number;
  task: Task;
}

/** Worker → pool. */
export type WorkerMessage = { type: "ready" } | { type: "result"; seq: number; result: TaskResult<unknown> };

const port = parentPort;
if (!port) throw new Error("src/executors/worker is a worker_threads entry, not a module to import");
const init = workerData as WorkerInit;
const context = createTaskContext(init.workerId, init.kernels);
let registry: TaskRegistry = {};
let initError: TaskErrorInfo | undefined;
try {
  registry = await loadTaskRegistry(init.moduleUrls);
} catch (e) {
  // Reported with every task rather than by dying: a worker that dies is respawned.
  initError = errorInfo(e);
}

port.on("message", async (msg: RunMessage) => {
  if (msg.type !== "run") return;
  const result: TaskResult<unknown> = initError
    ? { ok: false, reason: "init", error: initError, workerId: init.workerId, durationMs: 0 }
    : await runTask(registry, msg.task, context);
  try {
    port.postMessage({ type: "result", seq: msg.seq, result } satisfies WorkerMessage);
  } catch (e) {
    // The value could not be cloned (a function, a class instance with private state...).
    const error = errorInfo(e);
    error.message = `task ${msg.task.kind} returned a value that cannot cross threads: ${error.message}`;
    port.postMessage({ type: "result", seq: msg.seq, result: { ok: false, reason: "error", error, workerId: init.workerId, durationMs: result.durationMs } } satisfies WorkerMessage);
  }
});
port.postMessage({ type: "ready" } satisfies WorkerMessage);
