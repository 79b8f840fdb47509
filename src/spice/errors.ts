/** Context attached to a failed SPICE call, so a message names what was being computed. */
export interface SpiceErrorContext {
  /** Host path of the kernel involved, when one is. */
  kernel?: string;
  /** NAIF id or name of the body involved. */
  body?: number | string;
  /** Epoch involved, TDB seconds past J2000. */
  etSeconds?: number;
}

/**
 * A CSPICE error, with SPICE's short and long messages and what the call was about.
 * The instance that raised it stays usable: the WASM shim resets CSPICE's error state.
 */
export class SpiceError extends Error {
  override readonly name = "SpiceError";
  constructor(
    /** CSPICE routine (or engine operation) that failed, e.g. `spkgps`. */
    readonly operation: string,
    /** SPICE short message, e.g. `SPICE(SPKINSUFFDATA)`. */
    readonly short: string,
    /** SPICE long message. */
    readonly long: string,
    readonly context: SpiceErrorContext = {},
  ) {
    const where = [
      context.kernel !== undefined ? `kernel ${context.kernel}` : undefined,
      context.body !== undefined ? `body ${context.body}` : undefined,
      context.etSeconds !== undefined ? `ET ${context.etSeconds.toFixed(3)} s` : undefined,
    ].filter(Boolean);
    super(`${operation} failed: ${short}${long ? ` ${long}` : ""}${where.length ? ` [${where.join(", ")}]` : ""}`);
  }
}

/** A kernel that could not be read or loaded (missing file, not a SPICE kernel, corrupt). */
export class KernelError extends Error {
  override readonly name = "KernelError";
  constructor(
    /** Host path of the kernel. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(`kernel ${path}: ${reason}`);
  }
}

interface TspiceThrown {
  spiceShort?: unknown;
  spiceLong?: unknown;
  message?: unknown;
}

/** Turns whatever tspice threw into a {@link SpiceError} carrying `context`. */
export function toSpiceError(operation: string, thrown: unknown, context: SpiceErrorContext = {}): SpiceError {
  if (thrown instanceof SpiceError) return thrown;
  const t = (typeof thrown === "object" && thrown !== null ? thrown : {}) as TspiceThrown;
  const message = typeof t.message === "string" ? t.message : String(thrown);
  const short = typeof t.spiceShort === "string" && t.spiceShort ? t.spiceShort : (message.split("\n")[0] ?? "SPICE(UNKNOWN)");
  const long = typeof t.spiceLong === "string" ? t.spiceLong.trim() : "";
  return new SpiceError(operation, short, long, context);
}
