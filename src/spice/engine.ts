import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import type { SpiceBackend } from "@rybosome/tspice";
import { readDaf, type DafSegment } from "./daf.js";
import { KernelError, toSpiceError, type SpiceErrorContext } from "./errors.js";

/** What a loaded kernel holds. */
export interface KernelInfo {
  /** Host path the bytes were read from. */
  path: string;
  /** Name of the copy inside the instance's in-memory file system. */
  virtualPath: string;
  kind: "SPK" | "PCK" | "LSK" | "TEXT";
  sizeBytes: number;
  sha256: string;
  /** Binary kernels: one entry per body (SPK) or frame class (PCK) with its coverage. */
  bodies: KernelBody[];
  /** Binary kernels: the raw segment list. */
  segments: DafSegment[];
}

export interface KernelBody {
  /** NAIF id of the body (SPK) or frame class id (PCK). */
  id: number;
  /** Merged coverage intervals, TDB seconds past J2000. */
  coverageEt: Array<[number, number]>;
}

export interface LoadKernelOptions {
  /**
   * Fixed name inside the instance. Loading another file under the same slot first unloads the
   * previous one and overwrites its bytes, so cycling per-object SPKs does not grow memory
   * (the WASM file system never frees a name: wasm/README.md).
   */
  slot?: string;
}

const DAF_RECORD_BYTES = 1024;

type Listener = (...args: unknown[]) => void;

let backendModule: Promise<{ createWasmBackend: () => Promise<SpiceBackend> }> | undefined;

/** The WASM backend without tspice's public proxy layer (saves 0.3-1 us per call; wasm/README.md). */
function loadBackendModule() {
  if (!backendModule) {
    const entry = import.meta.resolve("@rybosome/tspice");
    const url = new URL("../backend-wasm/dist/index.node.js", entry);
    backendModule = import(url.href) as Promise<{ createWasmBackend: () => Promise<SpiceBackend> }>;
  }
  return backendModule;
}

/**
 * One CSPICE instance (CSPICE compiled to WebAssembly, from `@rybosome/tspice` 0.0.8).
 * CSPICE keeps global state, so use one engine per worker thread; engines never share kernels.
 */
export class SpiceEngine {
  private readonly loaded = new Map<string, KernelInfo>();
  private disposed = false;

  private constructor(
    /** The CSPICE-like backend, for calls the engine does not wrap. */
    readonly raw: SpiceBackend,
  ) {}

  /** Creates an instance (about 50 ms) and removes the process-wide handlers its glue installs. */
  static async create(): Promise<SpiceEngine> {
    const { createWasmBackend } = await loadBackendModule();
    const events = ["uncaughtException", "unhandledRejection"] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as "uncaughtException") as Listener[])]));
    const raw = await createWasmBackend();
    // The Emscripten glue re-throws from process-wide handlers: that breaks the host's own
    // handlers, turns exit code 1 into 7 and pins the first instance in memory.
    for (const e of events) {
      for (const l of process.listeners(e as "uncaughtException") as Listener[]) if (!before.get(e)?.has(l)) process.removeListener(e as "uncaughtException", l);
    }
    return new SpiceEngine(raw);
  }

  /** Runs a raw call, turning a thrown SPICE error into a {@link SpiceError} with context. */
  call<T>(operation: string, context: SpiceErrorContext, fn: (raw: SpiceBackend) => T): T {
    try {
      return fn(this.raw);
    } catch (e) {
      throw toSpiceError(operation, e, context);
    }
  }

  /** Reads a kernel from the host file system and loads its bytes. */
  loadKernel(path: string, options: LoadKernelOptions = {}): KernelInfo {
    this.assertUsable();
    const hostPath = resolve(path);
    let bytes: Uint8Array;
    try {
      if (!statSync(hostPath).isFile()) throw new Error("not a regular file");
      bytes = readFileSync(hostPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new KernelError(path, code === "ENOENT" ? "file not found" : (e as Error).message);
    }
    const kind = kernelKind(bytes);
    if (!kind) throw new KernelError(path, "not a SPICE kernel (no DAF/SPK, DAF/PCK or KPL/ header)");
    let segments: DafSegment[] = [];
    if (kind === "SPK" || kind === "PCK") {
      try {
        segments = readDaf(bytes).segments;
      } catch (e) {
        throw new KernelError(path, `corrupt ${kind}: ${(e as Error).message}`);
      }
      if (segments.length === 0) throw new KernelError(path, `${kind} holds no segments`);
    }
    const sizeBytes = bytes.length;
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if ((kind === "SPK" || kind === "PCK") && bytes.length % DAF_RECORD_BYTES !== 0) {
      // Some excerpt tools end the file inside its last 1024-byte record; CSPICE reads whole
      // records and then sees zeros for the segment trailer (SPICE(DAFBEGGTEND)). Pad it.
      const padded = new Uint8Array(Math.ceil(bytes.length / DAF_RECORD_BYTES) * DAF_RECORD_BYTES);
      padded.set(bytes);
      bytes = padded;
    }
    const ext = kind === "SPK" ? "bsp" : kind === "PCK" ? "bpc" : kind === "LSK" ? "tls" : "tk";
    const virtualPath = options.slot
      ? `slot/${options.slot.replace(/[^A-Za-z0-9_-]/g, "_")}.${ext}`
      : `k/${createHash("sha1").update(hostPath).digest("hex").slice(0, 12)}/${basename(hostPath).replace(/[^A-Za-z0-9._-]/g, "_")}`;
    if (this.loaded.has(virtualPath)) this.unloadKernel(virtualPath);
    try {
      this.raw.furnsh({ path: virtualPath, bytes });
    } catch (e) {
      const err = toSpiceError("furnsh", e, { kernel: path });
      throw new KernelError(path, `SPICE could not load it: ${err.short} ${err.long}`.trim());
    }
    const info: KernelInfo = {
      path: hostPath,
      virtualPath,
      kind,
      sizeBytes,
      sha256,
      bodies: bodiesOf(segments),
      segments,
    };
    this.loaded.set(virtualPath, info);
    return info;
  }

  /** Loads several kernels in order (later kernels take precedence, as with SPICE `furnsh`). */
  loadKernels(paths: readonly string[]): KernelInfo[] {
    return paths.map((p) => this.loadKernel(p));
  }

  /** Unloads a kernel by its virtual path, or by the host path it was loaded from. */
  unloadKernel(pathOrVirtual: string): void {
    const info = this.loaded.get(pathOrVirtual) ?? [...this.loaded.values()].find((k) => k.path === resolve(pathOrVirtual));
    if (!info) return;
    this.call("unload", { kernel: info.path }, (raw) => raw.unload(info.virtualPath));
    this.loaded.delete(info.virtualPath);
  }

  /** The kernels loaded now, in load order. */
  kernels(): KernelInfo[] {
    return [...this.loaded.values()];
  }

  /** Coverage of a body over every loaded SPK, merged. Empty when no SPK holds it. */
  coverage(naifId: number): Array<[number, number]> {
    const intervals = this.kernels()
      .filter((k) => k.kind === "SPK")
      .flatMap((k) => k.bodies.filter((b) => b.id === naifId).flatMap((b) => b.coverageEt));
    return mergeIntervals(intervals);
  }

  /** Frees the instance. The engine cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.raw.kclear();
    } catch {
      // Nothing to report: the instance is being dropped.
    }
    this.loaded.clear();
  }

  private assertUsable() {
    if (this.disposed) throw new Error("SpiceEngine used after dispose()");
  }
}

/** Kernel type from the first bytes: binary DAF SPK/PCK, or a text kernel. */
export function kernelKind(bytes: Uint8Array): KernelInfo["kind"] | undefined {
  const head = String.fromCharCode(...bytes.subarray(0, 8));
  if (head.startsWith("DAF/SPK")) return "SPK";
  if (head.startsWith("DAF/PCK")) return "PCK";
  if (head.startsWith("KPL/LSK")) return "LSK";
  if (head.startsWith("KPL/")) return "TEXT";
  // Old leap-second kernels carry no KPL/ marker; recognise them by their keyword.
  const text = String.fromCharCode(...bytes.subarray(0, Math.min(bytes.length, 65536)));
  if (/\\begindata[\s\S]*DELTET\/DELTA_AT/.test(text)) return "LSK";
  if (/\\begindata/.test(text)) return "TEXT";
  return undefined;
}

function bodiesOf(segments: readonly DafSegment[]): KernelBody[] {
  const byId = new Map<number, Array<[number, number]>>();
  for (const s of segments) {
    const list = byId.get(s.body) ?? [];
    list.push([s.startEtSeconds, s.endEtSeconds]);
    byId.set(s.body, list);
  }
  return [...byId.entries()].map(([id, iv]) => ({ id, coverageEt: mergeIntervals(iv) }));
}

/** Merges overlapping or touching intervals. */
export function mergeIntervals(intervals: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
