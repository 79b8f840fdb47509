import { KernelError } from "../spice/index.js";

/** Base class of every failure of a remote service (Horizons, AstDyS, MPC, NAIF). */
export class ExternalError extends Error {
  override readonly name: string = "ExternalError";
  constructor(
    /** Service name, e.g. `JPL Horizons`. */
    readonly service: string,
    message: string,
  ) {
    super(message);
  }
}

/** What went wrong at the service level. */
export type ServiceFailure = "http" | "timeout" | "network" | "service" | "invalid";

/**
 * The service answered with an error (an HTTP status, an HTML error page, Horizons' `error`
 * text), did not answer in time, or could not be reached. `attempts` counts the tries made.
 */
export class ServiceError extends ExternalError {
  override readonly name = "ServiceError";
  constructor(
    service: string,
    readonly url: string,
    readonly failure: ServiceFailure,
    /** The service's own words (Horizons `error`/`result` text, page title), or ours. */
    readonly detail: string,
    readonly status?: number,
    readonly attempts = 1,
  ) {
    const what = status !== undefined ? `HTTP ${status}` : failure;
    super(service, `${service}: ${what}: ${detail}${attempts > 1 ? ` (after ${attempts} attempts)` : ""} [${redactUrl(url)}]`);
  }
}

/** The service knows no object by that name ("No matches found"). */
export class ObjectNotFoundError extends ExternalError {
  override readonly name = "ObjectNotFoundError";
  constructor(
    service: string,
    readonly object: string,
    /** Commands or URLs that were tried, in order. */
    readonly tried: readonly string[],
  ) {
    super(service, `${service}: no object matches '${object}' (tried ${tried.join(", ")})`);
  }
}

/** One candidate of an ambiguous name, as listed by Horizons. */
export interface ObjectCandidate {
  /** Horizons record number (small bodies) or id (major bodies): what to ask for instead. */
  record: string;
  /** Epoch year of the record's solution, when listed (comet apparitions). */
  epochYear?: string;
  designation?: string;
  name?: string;
}

/** The name matches several objects; the candidates are those the service listed. */
export class AmbiguousObjectError extends ExternalError {
  override readonly name = "AmbiguousObjectError";
  constructor(
    service: string,
    readonly object: string,
    readonly candidates: readonly ObjectCandidate[],
  ) {
    const list = candidates
      .map((c) => `${c.record}${c.designation ? ` ${c.designation}` : ""}${c.name ? ` (${c.name})` : ""}${c.epochYear ? ` epoch ${c.epochYear}` : ""}`)
      .join("; ");
    super(service, `${service}: '${object}' matches ${candidates.length} objects: ${list}. Ask for one by its record number or SPK-ID`);
  }
}

/** The answer was cut short (incomplete JSON, truncated base64 or DAF, fewer bytes than announced). */
export class TruncatedPayloadError extends ExternalError {
  override readonly name = "TruncatedPayloadError";
  constructor(
    service: string,
    readonly url: string,
    readonly detail: string,
  ) {
    super(service, `${service}: truncated answer: ${detail} [${redactUrl(url)}]`);
  }
}

/** The answer was complete but unusable (an SPK without the target, not covering the span...). */
export class InvalidPayloadError extends ExternalError {
  override readonly name = "InvalidPayloadError";
  constructor(
    service: string,
    readonly detail: string,
  ) {
    super(service, `${service}: unusable answer: ${detail}`);
  }
}

/** Offline mode, and the cache holds no usable copy of what was asked for. */
export class OfflineCacheMissError extends ExternalError {
  override readonly name = "OfflineCacheMissError";
  constructor(
    service: string,
    /** The file that would have been downloaded. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(service, `${service}: offline and ${path} cannot be used: ${reason}`);
  }
}

/**
 * A job needs a generic kernel that is not in the kernel cache and may not be downloaded
 * (offline). The message names the file and the command that fetches it. It is a
 * {@link KernelError}, so the CLI exits with 2 (bad input).
 */
export class KernelNotCachedError extends KernelError {
  constructor(
    /** Kernel file name, e.g. `de440s.bsp`. */
    readonly fileName: string,
    readonly cacheDir: string,
  ) {
    super(
      `${cacheDir}/${fileName}`,
      `not in the kernel cache ${cacheDir} and offline mode forbids downloading it: run \`tno kernels fetch ${fileName}\` (or set TNO_KERNEL_CACHE)`,
    );
  }
}

/** Drops user-info from a URL before it goes into a message. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return url;
  }
}
