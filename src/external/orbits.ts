import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { astdysFileStem, astdysUrl, ASTDYS_BASE_URL, parseEq0, parseRwo, type Eq0Orbit, type RwoFile } from "./astdys.js";
import { ExternalError, ObjectNotFoundError, OfflineCacheMissError, ServiceError } from "./errors.js";
import { ageInWholeDays, mtimeMs, writeFileAtomic } from "./files.js";
import { FormatError } from "./formats.js";
import { createHttpFetcher, summarizeErrorBody, type HttpFetcher, type HttpResponse } from "./http.js";
import { parseMpcObservationsJson, type MpcJsonObservation } from "./mpc.js";

/** A downloaded text document and where it came from. */
export interface FetchedText<T> {
  url: string;
  text: string;
  parsed: T;
}

/** AstDyS elements and observations of one object (legacy-orbit-trace §2.5). */
export interface AstDysSource {
  fetchEq0(name: string | number): Promise<FetchedText<Eq0Orbit>>;
  fetchRwo(name: string | number): Promise<FetchedText<RwoFile>>;
}

/** MPC observations of one object. */
export interface MpcSource {
  /** The observation-search JSON, parsed; `text` holds the 80-column records, one per line. */
  fetchObservations(id: string | number): Promise<FetchedText<MpcJsonObservation[]>>;
}

/** The legacy fetched AstDyS with a 5 s timeout. */
export const ASTDYS_TIMEOUT_MS = 5_000;

function checkText(service: string, res: HttpResponse, object: string): string {
  const text = new TextDecoder().decode(res.body);
  if (res.status === 404) throw new ObjectNotFoundError(service, object, [res.url]);
  if (res.status < 200 || res.status >= 300) throw new ServiceError(service, res.url, "http", summarizeErrorBody(text, res.contentType), res.status, res.attempts);
  if (res.contentType.includes("html") || /^\s*<(!doctype|html)/i.test(text)) throw new ServiceError(service, res.url, "service", summarizeErrorBody(text, "text/html"));
  return text;
}

/** Parses with the given parser; a parse failure means the service sent something else. */
function parsedOr<T>(service: string, url: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof FormatError) throw new ServiceError(service, url, "invalid", `answer is not the expected format: ${e.message}`);
    throw e;
  }
}

/** AstDyS-2 client: `.eq0` from `epoch/`, `.rwo` from `mpcobs/`. Each answer is parsed before it is returned. */
export class AstDysClient implements AstDysSource {
  private readonly http: HttpFetcher;
  constructor(private readonly options: { baseUrl?: string; http?: HttpFetcher; timeoutMs?: number } = {}) {
    this.http = options.http ?? createHttpFetcher();
  }

  private async fetch<T>(name: string | number, ext: ".eq0" | ".rwo", parse: (text: string, source: string) => T): Promise<FetchedText<T>> {
    const url = astdysUrl(name, ext, this.options.baseUrl ?? ASTDYS_BASE_URL);
    const res = await this.http.get(url, { service: "AstDyS", timeoutMs: this.options.timeoutMs ?? ASTDYS_TIMEOUT_MS });
    const text = checkText("AstDyS", res, String(name));
    return { url, text, parsed: parsedOr("AstDyS", url, () => parse(text, url)) };
  }

  fetchEq0(name: string | number): Promise<FetchedText<Eq0Orbit>> {
    return this.fetch(name, ".eq0", parseEq0);
  }

  fetchRwo(name: string | number): Promise<FetchedText<RwoFile>> {
    return this.fetch(name, ".rwo", parseRwo);
  }
}

/** MPC observation search (what astroquery's `MPC.get_observations` calls). */
export const MPC_SEARCH_URL = "https://minorplanetcenter.net/search_db";

/** MPC client for observations (JSON from `search_db`, as in astroquery). */
export class MpcClient implements MpcSource {
  private readonly http: HttpFetcher;
  constructor(private readonly options: { baseUrl?: string; http?: HttpFetcher; timeoutMs?: number; headers?: Record<string, string> } = {}) {
    this.http = options.http ?? createHttpFetcher();
  }

  /** Query of an asteroid by number (`number=`) or provisional designation (`designation=`). */
  observationsUrl(id: string | number): string {
    const s = String(id).trim();
    const params = new URLSearchParams({ table: "observations", object_type: "M" });
    if (/^\d+$/.test(s)) params.set("number", s);
    else params.set("designation", s);
    return `${this.options.baseUrl ?? MPC_SEARCH_URL}?${params.toString().replace(/\+/g, "%20")}`;
  }

  async fetchObservations(id: string | number): Promise<FetchedText<MpcJsonObservation[]>> {
    const url = this.observationsUrl(id);
    const res = await this.http.get(url, { service: "MPC", timeoutMs: this.options.timeoutMs, headers: { accept: "application/json", ...this.options.headers } });
    const text = checkText("MPC", res, String(id));
    const parsed = parsedOr("MPC", url, () => parseMpcObservationsJson(text, url));
    if (parsed.length === 0) throw new ObjectNotFoundError("MPC", String(id), [url]);
    return { url, text: `${parsed.map((o) => o.record.slice(0, 80) + (o.record.length > 80 ? `\n${o.record.slice(80, 160)}` : "")).join("\n")}\n`, parsed };
  }
}

/** Orbit inputs of one object on disk. */
export interface OrbitFiles {
  /** `<stem>.eq0` from AstDyS, when AstDyS had it. */
  elements?: { path: string; source: "AstDyS"; orbit: Eq0Orbit; reused: boolean };
  /** `<stem>.rwo` (AstDyS) or `<stem>.rwm` (MPC 80-column lines). */
  observations?: { path: string; source: "AstDyS" | "MPC"; count: number; reused: boolean };
  /** Why a source was passed over (AstDyS not found, MPC down...). */
  notes: string[];
}

export interface EnsureOrbitFilesOptions {
  /** Number or provisional designation. */
  name: string | number;
  dir: string;
  /** Files younger than this many whole days are kept (legacy `MPC_DAYS_TO_EXPIRE` = 30); 0 = refresh. */
  daysToExpire?: number;
  astdys?: AstDysSource;
  mpc?: MpcSource;
  offline?: boolean;
  now?: () => Date;
}

/**
 * Elements and observations of one object, AstDyS first and the MPC second (legacy §2.5):
 * `.eq0` from AstDyS; `.rwo` from AstDyS or, failing that, `.rwm` from the MPC. Each file is
 * parsed before it is written (atomically) and reused while younger than `daysToExpire`.
 * Offline, only files already on disk are used (whatever their age).
 */
export async function ensureOrbitFiles(options: EnsureOrbitFilesOptions): Promise<OrbitFiles> {
  const stem = astdysFileStem(String(options.name));
  const days = options.daysToExpire ?? 30;
  const nowMs = (options.now ?? (() => new Date()))().getTime();
  const fresh = (path: string) => {
    const m = mtimeMs(path);
    return m !== undefined && (options.offline || (days > 0 && ageInWholeDays(m, nowMs) < days));
  };
  const astdys = options.astdys ?? (options.offline ? undefined : new AstDysClient());
  const mpc = options.mpc ?? (options.offline ? undefined : new MpcClient());
  const out: OrbitFiles = { notes: [] };
  const note = (what: string, e: unknown) => {
    if (!(e instanceof ExternalError)) throw e;
    out.notes.push(`${what}: ${e.message}`);
  };

  const eq0 = join(options.dir, `${stem}.eq0`);
  if (fresh(eq0)) {
    out.elements = { path: eq0, source: "AstDyS", orbit: parseEq0(readFileSync(eq0, "utf8"), eq0), reused: true };
  } else if (astdys && !options.offline) {
    try {
      const r = await astdys.fetchEq0(options.name);
      await writeFileAtomic(eq0, r.text);
      out.elements = { path: eq0, source: "AstDyS", orbit: r.parsed, reused: false };
    } catch (e) {
      note("AstDyS elements", e);
    }
  }

  const rwo = join(options.dir, `${stem}.rwo`);
  const rwm = join(options.dir, `${stem}.rwm`);
  if (fresh(rwo)) {
    out.observations = { path: rwo, source: "AstDyS", count: parseRwo(readFileSync(rwo, "utf8"), rwo).observations.length, reused: true };
  } else if (fresh(rwm)) {
    out.observations = { path: rwm, source: "MPC", count: countMpcRecords(readFileSync(rwm, "utf8")), reused: true };
  } else if (!options.offline) {
    if (astdys) {
      try {
        const r = await astdys.fetchRwo(options.name);
        await writeFileAtomic(rwo, r.text);
        out.observations = { path: rwo, source: "AstDyS", count: r.parsed.observations.length, reused: false };
      } catch (e) {
        note("AstDyS observations", e);
      }
    }
    if (!out.observations && mpc) {
      try {
        const r = await mpc.fetchObservations(options.name);
        await writeFileAtomic(rwm, r.text);
        out.observations = { path: rwm, source: "MPC", count: r.parsed.length, reused: false };
      } catch (e) {
        note("MPC observations", e);
      }
    }
  }
  if (options.offline && !out.observations && !existsSync(rwo) && !existsSync(rwm)) {
    out.notes.push(new OfflineCacheMissError("AstDyS/MPC", rwo, "no observation file on disk").message);
  }
  return out;
}

/** Observations in an `.rwm` file (satellite second lines not counted). */
function countMpcRecords(text: string): number {
  return text.split(/\r?\n/).filter((l) => l.length >= 80 && l[14] !== "s" && l[14] !== "v").length;
}
