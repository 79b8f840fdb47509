import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SpiceEngine, type KernelInfo } from "../spice/index.js";
import type { Task, TaskContext, TaskErrorInfo, TaskRegistry, TaskResult, WorkerStats } from "./types.js";

/** Module specifiers as file URLs (paths are resolved against the current directory). */
export function moduleUrls(specs: ReadonlyArray<string | URL>): string[] {
  return specs.map((s) => {
    if (s instanceof URL) return s.href;
    if (/^(file|data|node):/.test(s)) return s;
    return pathToFileURL(isAbsolute(s) ? s : resolve(s)).href;
  });
}

/** Imports task modules and merges their `tasks` exports; a kind defined twice is an error. */
export async function loadTaskRegistry(urls: readonly string[]): Promise<TaskRegistry> {
  const registry: TaskRegistry = {};
  for (const url of urls) {
    const mod = (await import(url)) as { tasks?: unknown };
    if (!mod.tasks || typeof mod.tasks !== "object") throw new Error(`task module ${url} has no 'tasks' export`);
    for (const [kind, handler] of Object.entries(mod.tasks as Record<string, unknown>)) {
      if (typeof handler !== "function") throw new Error(`task module ${url}: tasks['${kind}'] is not a function`);
      if (registry[kind]) throw new Error(`task kind '${kind}' is defined twice (again in ${url})`);
      registry[kind] = handler as TaskRegistry[string];
    }
  }
  return registry;
}

/** Plain-data form of a thrown value (errors cross thread and process boundaries as data). */
export function errorInfo(e: unknown): TaskErrorInfo {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const details: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(e)) if (typeof v === "string" || typeof v === "number") details[k] = v;
  delete details.name;
  delete details.message;
  return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}), ...(Object.keys(details).length ? { details } : {}) };
}

/**
 * The per-worker services: one SpiceEngine created on first use, kernels loaded once, slots
 * reloaded only when the file changes. One context per worker thread (or per process).
 */
export function createTaskContext(workerId: number, kernels: readonly string[] = []): TaskContext & { dispose(): void } {
  const stats: WorkerStats = { enginesCreated: 0, kernelLoads: 0, slotLoads: 0, slotHits: 0, tasksRun: 0 };
  let enginePromise: Promise<SpiceEngine> | undefined;
  let engineValue: SpiceEngine | undefined;
  const loaded = new Set<string>();
  const slots = new Map<string, { key: string; info: KernelInfo }>();

  const fileKey = (path: string) => {
    const abs = resolve(path);
    try {
      const st = statSync(abs);
      return `${abs}|${st.size}|${st.mtimeMs}`;
    } catch {
      // Let loadKernel raise its own KernelError naming the file.
      return `${abs}|missing`;
    }
  };
  const loadMissing = (engine: SpiceEngine, paths: readonly string[]) => {
    for (const p of paths) {
      const key = fileKey(p);
      if (loaded.has(key)) continue;
      engine.loadKernel(p);
      loaded.add(key);
      stats.kernelLoads++;
    }
  };
  const engine = () => {
    enginePromise ??= (async () => {
      const e = await SpiceEngine.create();
      stats.enginesCreated++;
      engineValue = e;
      loadMissing(e, kernels);
      return e;
    })();
    // A failed creation or base-kernel load is retried by the next task, not cached forever.
    enginePromise.catch(() => {
      enginePromise = undefined;
    });
    return enginePromise;
  };

  return {
    workerId,
    stats,
    engine,
    async useKernels(paths) {
      const e = await engine();
      loadMissing(e, paths);
      return e;
    },
    async useSlot(slot, path) {
      const e = await engine();
      const key = fileKey(path);
      const cur = slots.get(slot);
      if (cur && cur.key === key) {
        stats.slotHits++;
        return cur.info;
      }
      slots.delete(slot);
      const info = e.loadKernel(path, { slot });
      slots.set(slot, { key, info });
      stats.slotLoads++;
      return info;
    },
    dispose() {
      engineValue?.dispose();
      engineValue = undefined;
      enginePromise = undefined;
    },
  };
}

/** Runs one task against a registry, turning anything thrown into a {@link TaskFailure}. */
export async function runTask(registry: TaskRegistry, task: Task, context: TaskContext): Promise<TaskResult<unknown>> {
  const t0 = performance.now();
  const workerId = context.workerId;
  const handler = task && typeof task.kind === "string" ? registry[task.kind] : undefined;
  if (!handler) {
    const known = Object.keys(registry).join(", ") || "none";
    return { ok: false, reason: "error", error: { name: "Error", message: `unknown task kind '${String(task?.kind)}' (registered: ${known})` }, workerId, durationMs: 0 };
  }
  context.stats.tasksRun++;
  try {
    const value = await handler(task.payload, context);
    return { ok: true, value, workerId, durationMs: performance.now() - t0 };
  } catch (e) {
    return { ok: false, reason: "error", error: errorInfo(e), workerId, durationMs: performance.now() - t0 };
  }
}
