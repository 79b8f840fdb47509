import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { readDaf, SpiceEngine, mergeIntervals, type DafFile } from "../spice/index.js";
import { AmbiguousObjectError, InvalidPayloadError, ObjectNotFoundError, OfflineCacheMissError, ServiceError, TruncatedPayloadError, type ObjectCandidate } from "./errors.js";
import { ageInWholeDays, discardTemp, commitTemp, mtimeMs, sha256Hex, sha256OfFile, tempPathFor, writeFileAtomic } from "./files.js";
import { createHttpFetcher, summarizeErrorBody, type HttpFetcher, type HttpResponse } from "./http.js";
import { InputError } from "../errors.js";
import { checkSpan, dateMs, dateToEtSeconds, horizonsDate, periodMs, type DateSpan, type PeriodInput } from "./span.js";

/** The Horizons API endpoint (https://ssd-api.jpl.nasa.gov/doc/horizons.html). */
export const HORIZONS_API_URL = "https://ssd.jpl.nasa.gov/api/horizons.api";
const SERVICE = "JPL Horizons";
/** NAIF ids below this are planets, satellites, the Sun and barycentres, never the small body. */
const SMALL_BODY_MIN_ID = 1_000_000;
const DAF_RECORD_BYTES = 1024;

/** What to ask Horizons for: a number, a name or a provisional designation, and its SPK-ID when known. */
export interface HorizonsTarget {
  /** `2060`, `"2060"`, `"2060 Chiron"`, `"Chiron"`, `"1999 RB216"`. */
  identifier: string | number;
  /** Known SPK-ID (e.g. 20002060): asked for as `DES=<spkId>;`, which can never be ambiguous. */
  spkId?: number;
}

const PROVISIONAL_RE = /^(\d{4})\s*([A-Z]{2}\d*)$/;

/**
 * The Horizons `COMMAND` values to try, in order (without the surrounding quotes):
 * a number gives `<n>;` (the `;` restricts the search to small bodies); a known SPK-ID gives
 * `DES=<spkid>;`; a provisional designation gives `DES=<desig>;` and then `<desig>;` (the
 * legacy's later fix: retry with the plain name when DES= finds nothing); a name gives `<name>;`.
 */
export function horizonsCommands(target: HorizonsTarget): string[] {
  const raw = String(target.identifier).trim();
  if (!raw) throw new InvalidPayloadError(SERVICE, "empty object identifier");
  // A provisional designation also starts with digits: test it before "number [name]".
  const prov = PROVISIONAL_RE.exec(raw.toUpperCase());
  const numbered = prov ? null : /^\(?(\d+)\)?(?:\s+\S.*)?$/.exec(raw);
  if (numbered) return [`${Number(numbered[1])};`];
  if (target.spkId !== undefined) return [`DES=${target.spkId};`];
  if (prov) return [`DES=${prov[1]} ${prov[2]};`, `${prov[1]} ${prov[2]};`];
  return [`${raw};`];
}

/** Query URL of an SPK request (`format=json, EPHEM_TYPE=SPK, OBJ_DATA=YES`, span as `YYYY-Mon-DD`). */
export function horizonsSpkUrl(command: string, span: DateSpan, baseUrl = HORIZONS_API_URL): string {
  const params: Array<[string, string]> = [
    ["format", "json"],
    ["EPHEM_TYPE", "SPK"],
    ["OBJ_DATA", "YES"],
    ["COMMAND", `'${command}'`],
    ["START_TIME", `'${horizonsDate(span.start)}'`],
    ["STOP_TIME", `'${horizonsDate(span.end)}'`],
  ];
  // encodeURIComponent, not URLSearchParams: Horizons wants %20, not '+', for spaces.
  return `${baseUrl}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`;
}

const HorizonsJson = z.object({
  signature: z.object({ source: z.string().optional(), version: z.string().optional() }).partial().optional(),
  result: z.string().optional(),
  error: z.string().optional(),
  spk: z.string().optional(),
  spk_file_id: z.union([z.string(), z.number()]).optional(),
});

/** A decoded Horizons SPK answer. */
export interface HorizonsSpkAnswer {
  /** The binary SPK (DAF), checked to be complete. */
  spkBytes: Uint8Array;
  /** Its DAF contents (segments and comments), from the pure reader. */
  daf: DafFile;
  /** `spk_file_id` of the JSON answer (or the `ID=` line of a text answer), when given. */
  spkFileId?: number;
  /** The text part of the answer (object data: elements, solution, comments). */
  resultText: string;
}

/**
 * Interprets one Horizons answer. Returns the decoded SPK, or throws: {@link ObjectNotFoundError}
 * ("No matches found"), {@link AmbiguousObjectError} (a list of matching bodies, with the
 * candidates), {@link ServiceError} (HTTP error, HTML page, Horizons `error` text, any other
 * answer without an SPK), {@link TruncatedPayloadError} (cut JSON, base64 or DAF).
 * Accepts `format=json` answers and, for replays, the `format=text` form.
 */
export function parseHorizonsSpkResponse(res: Pick<HttpResponse, "status" | "contentType" | "body" | "url"> & { attempts?: number }, object: string, command: string): HorizonsSpkAnswer {
  const text = new TextDecoder().decode(res.body);
  const head = text.trimStart();
  const ok = res.status >= 200 && res.status < 300;
  if (res.contentType.includes("html") || /^<(!doctype|html)/i.test(head)) {
    throw new ServiceError(SERVICE, res.url, ok ? "service" : "http", summarizeErrorBody(text, "text/html"), ok ? undefined : res.status, res.attempts);
  }
  let resultText: string;
  let spk: string | undefined;
  let spkFileId: number | undefined;
  if (res.contentType.includes("json") || head.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      if (ok && head.startsWith("{")) throw new TruncatedPayloadError(SERVICE, res.url, `incomplete JSON (${res.body.length} bytes: ${(e as Error).message})`);
      throw new ServiceError(SERVICE, res.url, ok ? "invalid" : "http", `not JSON: ${summarizeErrorBody(text, res.contentType)}`, ok ? undefined : res.status);
    }
    const parsed = HorizonsJson.safeParse(json);
    if (!parsed.success) throw new ServiceError(SERVICE, res.url, "invalid", `unexpected JSON shape: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const j = parsed.data;
    if (j.error !== undefined) throw new ServiceError(SERVICE, res.url, "service", j.error.trim(), ok ? undefined : res.status);
    resultText = j.result ?? "";
    spk = j.spk;
    if (j.spk_file_id !== undefined) spkFileId = Number(j.spk_file_id);
  } else {
    const marker = /SPK Binary Data Follows[^\n]*\n/.exec(text);
    resultText = marker ? text.slice(0, marker.index) : text;
    spk = marker ? text.slice(marker.index + marker[0].length) : undefined;
    const id = /^ID=\s*'?(\d+)'?\s*$/m.exec(resultText);
    if (id) spkFileId = Number(id[1]);
  }
  if (!ok) throw new ServiceError(SERVICE, res.url, "http", lastLines(resultText) || summarizeErrorBody(text, res.contentType), res.status, res.attempts);
  if (spk === undefined) throw classifyResultWithoutSpk(resultText, object, command, res.url);
  const spkBytes = decodeBase64Strict(spk, res.url);
  if (spkBytes.length % DAF_RECORD_BYTES !== 0) {
    throw new TruncatedPayloadError(SERVICE, res.url, `decoded SPK has ${spkBytes.length} bytes, not a whole number of ${DAF_RECORD_BYTES}-byte DAF records`);
  }
  let daf: DafFile;
  try {
    daf = readDaf(spkBytes);
  } catch (e) {
    const msg = (e as Error).message;
    if (/truncat|past the end|too short/i.test(msg)) throw new TruncatedPayloadError(SERVICE, res.url, `decoded SPK: ${msg}`);
    throw new InvalidPayloadError(SERVICE, `decoded SPK is not a DAF file: ${msg}`);
  }
  if (!daf.idWord.startsWith("DAF/SPK")) throw new InvalidPayloadError(SERVICE, `decoded file is ${daf.idWord}, not an SPK`);
  return { spkBytes, daf, spkFileId, resultText };
}

/** Base64 without tolerance: Node's decoder silently skips junk and short tails, which would hide a cut. */
function decodeBase64Strict(b64: string, url: string): Uint8Array {
  const clean = b64.replace(/\s+/g, "");
  if (clean.length === 0) throw new TruncatedPayloadError(SERVICE, url, "empty SPK field");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    const bad = /[^A-Za-z0-9+/=]/.exec(clean);
    throw new InvalidPayloadError(SERVICE, `SPK field is not base64 (character '${bad?.[0] ?? "="}' at ${bad?.index ?? clean.indexOf("=")})`);
  }
  if (clean.length % 4 !== 0) throw new TruncatedPayloadError(SERVICE, url, `base64 SPK of ${clean.length} characters is not a multiple of 4`);
  return new Uint8Array(Buffer.from(clean, "base64"));
}

/** The last meaningful lines of a Horizons text (where it states what went wrong). */
function lastLines(text: string, n = 4): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^\*+$/.test(l) && !/^API (VERSION|SOURCE)/.test(l))
    .slice(-n)
    .join(" / ");
}

/** An answer without `spk`: no match, a list of matches, or some other Horizons message. */
function classifyResultWithoutSpk(result: string, object: string, command: string, url: string): Error {
  if (/No matches found/i.test(result)) return new ObjectNotFoundError(SERVICE, object, [command]);
  if (/Matching small-bodies|Multiple major-bodies match/i.test(result)) {
    const candidates = parseHorizonsCandidates(result);
    if (candidates.length > 0) return new AmbiguousObjectError(SERVICE, object, candidates);
  }
  return new ServiceError(SERVICE, url, "service", `no SPK in the answer: ${lastLines(result) || "(empty result)"}`);
}

/**
 * The candidates of a Horizons multiple-match list: the small-body index table
 * (`Record #  Epoch-yr  >MATCH DESIG<  Primary Desig  Name`) or the major-body table
 * (`ID#  Name  Designation  IAU/aliases/other`). Columns are cut at the dash ruler's runs.
 */
export function parseHorizonsCandidates(result: string): ObjectCandidate[] {
  const lines = result.split(/\r?\n/);
  const ruler = lines.findIndex((l, i) => /^\s*-{3,}(\s+-{3,})+\s*$/.test(l) && i > 0);
  if (ruler < 0) return [];
  const header = lines[ruler - 1] ?? "";
  const starts = [...lines[ruler]!.matchAll(/-+/g)].map((m) => m.index ?? 0);
  const smallBody = /Record\s*#/i.test(header);
  const out: ObjectCandidate[] = [];
  for (const line of lines.slice(ruler + 1)) {
    if (!line.trim()) break;
    const cells = starts.map((s, i) => line.slice(i === 0 ? 0 : s, starts[i + 1] ?? line.length).trim());
    const record = cells[0] ?? "";
    if (!record || /^\(|matches/i.test(record)) break;
    const candidate: ObjectCandidate = smallBody
      ? { record, epochYear: cells[1] || undefined, designation: cells[3] || cells[2] || undefined, name: cells[4] || undefined }
      : { record, name: cells[1] || undefined, designation: cells[2] || undefined };
    out.push(Object.fromEntries(Object.entries(candidate).filter(([, v]) => v !== undefined)) as unknown as ObjectCandidate);
  }
  return out;
}

/** Orbit solution id (`JPL#152`) from the object data or, failing that, the SPK's comments. */
export function horizonsSolutionId(resultText: string, daf?: DafFile): string | undefined {
  const fromResult = /soln\s+ref\.?\s*=\s*([A-Za-z-]+#\d+)/.exec(resultText)?.[1];
  if (fromResult) return fromResult;
  const fromComments = daf ? /source:\s*Horizons_SPK:([A-Za-z-]+#\d+)/.exec(daf.comments)?.[1] : undefined;
  if (fromComments) return fromComments;
  return daf?.segments.map((s) => /Horizons_SPK:([A-Za-z-]+#\d+)/.exec(s.name)?.[1]).find(Boolean);
}

/** A downloaded SPK with what Horizons said about it. */
export interface HorizonsSpk extends HorizonsSpkAnswer {
  /** The COMMAND that produced it. */
  command: string;
  url: string;
  /** Tries over all commands and payload retries. */
  attempts: number;
}

/** Anything that can produce a small-body SPK for a target and span (Horizons, a mirror, a replay). */
export interface SpkSource {
  fetchSpk(target: HorizonsTarget, span: DateSpan): Promise<HorizonsSpk>;
}

export interface HorizonsClientOptions {
  /** API endpoint; tests point it at a local server. */
  baseUrl?: string;
  http?: HttpFetcher;
  /** Per-try timeout (SPK generation of a 30-year span takes a few seconds). */
  timeoutMs?: number;
  /** Extra requests when the SPK arrives cut short in a well-formed answer. */
  payloadRetries?: number;
}

/** Client of the Horizons API for small-body SPKs. */
export class HorizonsClient implements SpkSource {
  readonly baseUrl: string;
  private readonly http: HttpFetcher;
  private readonly timeoutMs: number | undefined;
  private readonly payloadRetries: number;

  constructor(options: HorizonsClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? HORIZONS_API_URL;
    this.http = options.http ?? createHttpFetcher();
    this.timeoutMs = options.timeoutMs;
    this.payloadRetries = options.payloadRetries ?? 1;
  }

  /**
   * Requests the SPK, trying each COMMAND of {@link horizonsCommands} in turn while Horizons
   * answers "No matches found". Network failures are retried by the HTTP layer.
   */
  async fetchSpk(target: HorizonsTarget, span: DateSpan): Promise<HorizonsSpk> {
    checkSpan(span);
    const commands = horizonsCommands(target);
    const object = String(target.identifier);
    let attempts = 0;
    for (const command of commands) {
      const url = horizonsSpkUrl(command, span, this.baseUrl);
      for (let payloadTry = 0; ; payloadTry++) {
        const res = await this.http.get(url, { service: SERVICE, timeoutMs: this.timeoutMs });
        attempts += res.attempts;
        try {
          return { ...parseHorizonsSpkResponse(res, object, command), command, url, attempts };
        } catch (e) {
          if (e instanceof ObjectNotFoundError) break;
          if (e instanceof TruncatedPayloadError && payloadTry < this.payloadRetries) continue;
          throw e;
        }
      }
    }
    throw new ObjectNotFoundError(SERVICE, object, commands);
  }
}

/** Metadata written beside a downloaded SPK (`<alias>.json`). */
export const SpkMetadataSchema = z.object({
  source: z.string(),
  url: z.string(),
  command: z.string(),
  object: z.string(),
  /** Orbit solution, e.g. `JPL#152`; null when Horizons did not say. */
  solution: z.string().nullable(),
  spkId: z.number().int(),
  /** Requested span, TDB dates. */
  span: z.object({ start: z.string(), end: z.string() }),
  /** Coverage of the target in the file, TDB seconds past J2000. */
  coverageEt: z.tuple([z.number(), z.number()]),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  downloadedAt: z.string(),
});
export type SpkMetadata = z.infer<typeof SpkMetadataSchema>;

/** The period a job needs (raw job dates): the cached SPK must cover it. */
export interface CoveragePeriod {
  start: PeriodInput;
  end: PeriodInput;
}

/**
 * Whether a cached SPK can be reused (the `bsp_days_to_expire` rule of legacy-orbit-trace §2.4):
 * `daysToExpire > 0`, the file's age in whole days (from its mtime) is below it, and the cached
 * span covers the period. 0 means always download again.
 */
export function isBspReusable(meta: Pick<SpkMetadata, "span"> | undefined, fileMtimeMs: number | undefined, nowMs: number, daysToExpire: number, period: CoveragePeriod): boolean {
  if (daysToExpire <= 0 || !meta || fileMtimeMs === undefined) return false;
  if (ageInWholeDays(fileMtimeMs, nowMs) >= daysToExpire) return false;
  return periodMs(meta.span.start, "cached span start") <= periodMs(period.start, "period start") && periodMs(meta.span.end, "cached span end") >= periodMs(period.end, "period end");
}

export interface EnsureSpkOptions {
  target: HorizonsTarget;
  /** File stem: `<dir>/<alias>.bsp` and `<dir>/<alias>.json`. */
  alias: string;
  dir: string;
  /** Span to request. */
  span: DateSpan;
  /** Period the caller needs covered (reuse check); defaults to the span. */
  period?: CoveragePeriod;
  /** `bsp_days_to_expire`: reuse a file younger than this many whole days; 0 = always refresh. */
  daysToExpire: number;
  source?: SpkSource;
  /** Instance used to check the file opens in SPICE; one is created (and freed) when absent. */
  engine?: SpiceEngine;
  now?: () => Date;
  /**
   * Use only the cache: a cached file covering the period is used whatever its age, and a
   * missing or non-covering one is an {@link OfflineCacheMissError}.
   */
  offline?: boolean;
  /** Metadata file (default `<dir>/<alias>.json`). */
  metadataPath?: string;
}

export interface EnsuredSpk {
  bspPath: string;
  metadataPath: string;
  meta: SpkMetadata;
  /** True when the cached file was kept (nothing was downloaded). */
  reused: boolean;
}

/** Reads and validates a metadata file; undefined when missing or unreadable. */
export function readSpkMetadata(path: string): SpkMetadata | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const r = SpkMetadataSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure `<dir>/<alias>.bsp` holds a valid Horizons SPK covering the span: reuses the cached
 * file under the `daysToExpire` rule (and only if its sha256 still matches its metadata), otherwise
 * downloads it, checks it with the pure DAF reader and by loading it into SPICE (target present,
 * coverage includes the span, positions evaluate at both ends), then renames it into place and
 * writes the metadata, both atomically. A failed download leaves the previous files as they were.
 */
export async function ensureHorizonsSpk(options: EnsureSpkOptions): Promise<EnsuredSpk> {
  checkSpan(options.span);
  const bspPath = join(options.dir, `${options.alias}.bsp`);
  const metadataPath = options.metadataPath ?? join(options.dir, `${options.alias}.json`);
  const now = options.now ?? (() => new Date());
  const period = options.period ?? options.span;
  if (periodMs(period.start, "period start") < dateMs(options.span.start) || periodMs(period.end, "period end") > dateMs(options.span.end)) {
    throw new InputError(`period ${String(period.start)} .. ${String(period.end)} lies outside the requested span ${options.span.start} .. ${options.span.end}`);
  }
  const cached = readSpkMetadata(metadataPath);
  const intact = () => cached !== undefined && existsSync(bspPath) && sha256OfFile(bspPath) === cached.sha256;
  if (options.offline) {
    // Age does not matter offline: an old file beats no file; coverage and integrity still do.
    if (cached && isBspReusable(cached, mtimeMs(bspPath), now().getTime(), Number.POSITIVE_INFINITY, period) && intact()) {
      return { bspPath, metadataPath, meta: cached, reused: true };
    }
    const why = !cached ? `no metadata ${metadataPath}` : !existsSync(bspPath) ? "file missing" : !intact() ? "sha256 differs from its metadata" : `cached span ${cached.span.start} .. ${cached.span.end} does not cover the period`;
    throw new OfflineCacheMissError(SERVICE, bspPath, why);
  }
  if (cached && isBspReusable(cached, mtimeMs(bspPath), now().getTime(), options.daysToExpire, period) && intact()) {
    return { bspPath, metadataPath, meta: cached, reused: true };
  }
  const source = options.source ?? new HorizonsClient();
  const answer = await source.fetchSpk(options.target, options.span);
  const { spkId, coverageEt } = checkSpkAgainstSpan(answer.daf, options.span, answer.spkFileId);
  const tmp = tempPathFor(bspPath);
  try {
    await writeFile(tmp, answer.spkBytes, { flag: "wx" });
    await checkSpkInSpice(tmp, spkId, options.span, options.engine);
    await commitTemp(tmp, bspPath);
  } finally {
    discardTemp(tmp);
  }
  const meta: SpkMetadata = {
    source: SERVICE,
    url: answer.url,
    command: answer.command,
    object: String(options.target.identifier),
    solution: horizonsSolutionId(answer.resultText, answer.daf) ?? null,
    spkId,
    span: { start: options.span.start, end: options.span.end },
    coverageEt,
    sizeBytes: answer.spkBytes.length,
    sha256: sha256Hex(answer.spkBytes),
    downloadedAt: now().toISOString(),
  };
  await writeFileAtomic(metadataPath, `${JSON.stringify(meta, null, 2)}\n`);
  return { bspPath, metadataPath, meta, reused: false };
}

/**
 * Checks a decoded SPK with the pure DAF reader: exactly one small body (its id read from the
 * segments, and equal to Horizons' `spk_file_id` when given), whose coverage includes the span.
 */
export function checkSpkAgainstSpan(daf: DafFile, span: DateSpan, spkFileId?: number): { spkId: number; coverageEt: [number, number] } {
  const ids = [...new Set(daf.segments.map((s) => s.body))].filter((id) => Math.abs(id) >= SMALL_BODY_MIN_ID);
  if (ids.length !== 1) throw new InvalidPayloadError(SERVICE, ids.length === 0 ? "the SPK holds no small body" : `the SPK holds several small bodies (${ids.join(", ")})`);
  const spkId = ids[0]!;
  if (spkFileId !== undefined && Number.isFinite(spkFileId) && spkFileId !== spkId) {
    throw new InvalidPayloadError(SERVICE, `spk_file_id ${spkFileId} differs from the body in the SPK (${spkId})`);
  }
  const cover = mergeIntervals(daf.segments.filter((s) => s.body === spkId).map((s) => [s.startEtSeconds, s.endEtSeconds] as [number, number]));
  const [a, b] = [dateToEtSeconds(span.start), dateToEtSeconds(span.end)];
  const whole = cover.find(([s, e]) => s <= a && e >= b);
  if (!whole) {
    throw new InvalidPayloadError(SERVICE, `SPK of ${spkId} covers ${cover.map(([s, e]) => `[${s}, ${e}]`).join(", ")} s TDB, not the span ${span.start} .. ${span.end} ([${a}, ${b}])`);
  }
  return { spkId, coverageEt: [whole[0], whole[1]] };
}

/** Loads the file into a SPICE instance (fixed slot), checks coverage and evaluates both span ends. */
async function checkSpkInSpice(path: string, spkId: number, span: DateSpan, given?: SpiceEngine): Promise<void> {
  const engine = given ?? (await SpiceEngine.create());
  let virtualPath: string | undefined;
  try {
    const info = engine.loadKernel(path, { slot: "external-spk-check" });
    virtualPath = info.virtualPath;
    const body = info.bodies.find((b) => b.id === spkId);
    const [a, b] = [dateToEtSeconds(span.start), dateToEtSeconds(span.end)];
    if (!body || !body.coverageEt.some(([s, e]) => s <= a && e >= b)) throw new InvalidPayloadError(SERVICE, `SPICE sees no coverage of ${spkId} over ${span.start} .. ${span.end}`);
    const center = info.segments.find((s) => s.body === spkId)!.center;
    for (const et of [a, b]) {
      const p = engine.call("spkgps", { kernel: path, body: spkId, etSeconds: et }, (raw) => raw.spkgps(spkId, et, "J2000", center));
      const r = Math.hypot(...(p.pos as unknown as number[]));
      if (!Number.isFinite(r) || r <= 0) throw new InvalidPayloadError(SERVICE, `SPICE gives no finite position for ${spkId} at ${et} s TDB`);
    }
  } catch (e) {
    if (e instanceof InvalidPayloadError) throw e;
    throw new InvalidPayloadError(SERVICE, `the SPK does not work in SPICE: ${(e as Error).message}`);
  } finally {
    if (virtualPath) engine.unloadKernel(virtualPath);
    if (!given) engine.dispose();
  }
}
