import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { ServiceError, TruncatedPayloadError } from "./errors.js";
import { commitTemp, discardTemp, tempPathFor } from "./files.js";

/** A complete HTTP answer (body read in full). */
export interface HttpResponse {
  /** Final URL (after redirects). */
  url: string;
  status: number;
  /** `Content-Type` without parameters, lower case (`application/json`). */
  contentType: string;
  body: Uint8Array;
  /** Tries it took (1 = first try). */
  attempts: number;
}

export interface HttpGetOptions {
  /** Service name used in error messages (`JPL Horizons`). */
  service?: string;
  /** Time allowed for one try, headers and body included. */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface HttpDownloadOptions {
  service?: string;
  /** A try fails when no byte arrives for this long (large kernels take minutes overall). */
  idleTimeoutMs?: number;
  /** Runs on the complete temporary file before it replaces `destPath`; throw to reject it. */
  validate?: (tempPath: string) => void | Promise<void>;
}

export interface HttpDownload {
  path: string;
  sizeBytes: number;
  sha256: string;
  attempts: number;
}

/**
 * What the external clients need from HTTP. Pipelines and tests inject their own (a replay,
 * a mirror); {@link createHttpFetcher} is the real one.
 */
export interface HttpFetcher {
  /**
   * GET a small document. Non-2xx statuses are returned, not thrown (the caller reads the
   * service's error text); timeouts and network failures throw {@link ServiceError}.
   */
  get(url: string, options?: HttpGetOptions): Promise<HttpResponse>;
  /**
   * GET a file straight to disk, atomically: `destPath` is replaced only by a complete,
   * validated file. Throws {@link ServiceError} for a non-2xx status after the retries.
   */
  download(url: string, destPath: string, options?: HttpDownloadOptions): Promise<HttpDownload>;
}

/** Exponential backoff: try, wait base, try, wait 2*base, ... capped at maxDelayMs. */
export interface RetryPolicy {
  /** Retries after the first try (0 = try once). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface HttpFetcherOptions {
  retry?: Partial<RetryPolicy>;
  /** Default per-try timeout of {@link HttpFetcher.get}. */
  timeoutMs?: number;
  /** Default idle timeout of {@link HttpFetcher.download}. */
  idleTimeoutMs?: number;
  userAgent?: string;
  /** Waits between tries (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
  /** The fetch implementation (Node 20's global undici fetch by default). */
  fetch?: typeof globalThis.fetch;
}

/** Defaults: 4 tries (waits 2, 4, 8 s), 60 s per try, 60 s without a byte on downloads. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 2000, maxDelayMs: 30_000 };
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_USER_AGENT = "tno-astrometry/0.1 (Node.js)";

/** Statuses worth another try: server errors, gateway errors, rate limiting, request timeout. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** Delay before retry number `retry` (1-based), honouring a `Retry-After` in seconds when sane. */
export function backoffDelayMs(policy: RetryPolicy, retry: number, retryAfterHeader?: string | null): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const after = retryAfterHeader ? Number(retryAfterHeader) : NaN;
  return Number.isFinite(after) && after >= 0 ? Math.min(policy.maxDelayMs, Math.max(exp, after * 1000)) : exp;
}

class Retryable extends Error {
  constructor(
    readonly failure: "timeout" | "network" | "truncated",
    message: string,
  ) {
    super(message);
  }
}

/** The real {@link HttpFetcher}: global fetch, per-try timeout (AbortController), retries with backoff. */
export function createHttpFetcher(options: HttpFetcherOptions = {}): HttpFetcher {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;

  /** Runs `attempt` until it gives a final answer or the retries are spent. */
  async function withRetries<T>(
    service: string,
    url: string,
    attempt: (n: number) => Promise<{ done: true; value: T } | { done: false; status: number; retryAfter: string | null; value: T }>,
  ): Promise<T> {
    for (let n = 1; ; n++) {
      let retryAfter: string | null = null;
      try {
        const r = await attempt(n);
        if (r.done || n > policy.retries) return r.value;
        retryAfter = r.retryAfter;
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        if (n > policy.retries) {
          if (e.failure === "truncated") throw new TruncatedPayloadError(service, url, `${e.message} (after ${n} attempts)`);
          throw new ServiceError(service, url, e.failure, e.message, undefined, n);
        }
      }
      await sleep(backoffDelayMs(policy, n, retryAfter));
    }
  }

  async function get(url: string, opts: HttpGetOptions = {}): Promise<HttpResponse> {
    const service = opts.service ?? new URL(url).host;
    const timeoutMs = opts.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return withRetries(service, url, async (n) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const res = await doFetch(url, { signal: controller.signal, headers: { "user-agent": userAgent, ...opts.headers }, redirect: "follow" });
        const body = new Uint8Array(await res.arrayBuffer());
        const announced = Number(res.headers.get("content-length") ?? NaN);
        // Without compression, fewer bytes than announced means the connection dropped.
        if (Number.isFinite(announced) && !res.headers.get("content-encoding") && body.length < announced) {
          throw new Retryable("truncated", `received ${body.length} of ${announced} bytes`);
        }
        const response: HttpResponse = { url: res.url || url, status: res.status, contentType: mediaType(res.headers.get("content-type")), body, attempts: n };
        return isRetryableStatus(res.status)
          ? { done: false as const, status: res.status, retryAfter: res.headers.get("retry-after"), value: response }
          : { done: true as const, value: response };
      } catch (e) {
        throw classify(e, controller.signal.aborted, timeoutMs);
      } finally {
        clearTimeout(timer);
      }
    });
  }

  async function download(url: string, destPath: string, opts: HttpDownloadOptions = {}): Promise<HttpDownload> {
    const service = opts.service ?? new URL(url).host;
    const idleMs = opts.idleTimeoutMs ?? options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    mkdirSync(dirname(destPath), { recursive: true });
    const result = await withRetries<HttpDownload | ServiceError>(service, url, async (n) => {
      const controller = new AbortController();
      let timer = setTimeout(() => controller.abort(), idleMs);
      const tmp = tempPathFor(destPath);
      let keepTemp = false;
      try {
        const res = await doFetch(url, { signal: controller.signal, headers: { "user-agent": userAgent }, redirect: "follow" });
        if (!res.ok || !res.body) {
          const text = await res.text().catch(() => "");
          const err = new ServiceError(service, url, "http", summarizeErrorBody(text, mediaType(res.headers.get("content-type"))), res.status, n);
          return isRetryableStatus(res.status)
            ? { done: false as const, status: res.status, retryAfter: res.headers.get("retry-after"), value: err }
            : { done: true as const, value: err };
        }
        const announced = Number(res.headers.get("content-length") ?? NaN);
        const hash = createHash("sha256");
        let size = 0;
        const fh = await open(tmp, "wx");
        try {
          const reader = res.body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            clearTimeout(timer);
            timer = setTimeout(() => controller.abort(), idleMs);
            hash.update(value);
            size += value.length;
            await fh.write(value);
          }
          await fh.sync();
        } finally {
          await fh.close();
        }
        if (Number.isFinite(announced) && !res.headers.get("content-encoding") && size !== announced) {
          throw new Retryable("truncated", `received ${size} of ${announced} bytes`);
        }
        clearTimeout(timer);
        if (opts.validate) await opts.validate(tmp);
        keepTemp = true;
        await commitTemp(tmp, destPath);
        return { done: true as const, value: { path: destPath, sizeBytes: size, sha256: hash.digest("hex"), attempts: n } };
      } catch (e) {
        throw classify(e, controller.signal.aborted, idleMs, "without a byte for");
      } finally {
        clearTimeout(timer);
        if (!keepTemp) discardTemp(tmp);
      }
    });
    if (result instanceof ServiceError) throw result;
    return result;
  }

  return { get, download };
}

/** Maps a fetch failure to a retryable one (timeout, network, truncated) or passes it through. */
function classify(e: unknown, aborted: boolean, ms: number, phrase = "no complete answer within"): unknown {
  if (e instanceof Retryable || e instanceof ServiceError || e instanceof TruncatedPayloadError) return e;
  if (aborted) return new Retryable("timeout", `${phrase} ${ms} ms`);
  // undici reports refused connections, resets and early closes as TypeError("fetch failed"/"terminated").
  if (e instanceof TypeError) {
    const cause = (e as TypeError & { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? e.message;
    return /terminated|closed|aborted|UND_ERR_SOCKET/i.test(`${e.message} ${detail}`)
      ? new Retryable("truncated", `connection closed before the end of the answer (${detail})`)
      : new Retryable("network", `${e.message} (${detail})`);
  }
  return e;
}

/** `text/html; charset=utf-8` -> `text/html`. */
export function mediaType(header: string | null): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

/** A short human summary of an error body: an HTML page's title/text, or the first lines of text. */
export function summarizeErrorBody(text: string, contentType: string): string {
  if (contentType.includes("html") || /^\s*<(!doctype|html)/i.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]?.trim();
    const bodyText = text
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .trim();
    return `HTML page${title ? ` '${title}'` : ""}: ${bodyText.slice(0, 200)}`;
  }
  const t = text.trim();
  return t ? t.slice(0, 300) : "(empty body)";
}
