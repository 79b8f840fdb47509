import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve, sep } from "node:path";
import { z } from "zod";
import { InputError } from "../errors.js";
import { KernelError, kernelKind, readDaf } from "../spice/index.js";
import { KernelNotCachedError } from "./errors.js";
import { sha256OfFile, writeFileAtomic } from "./files.js";
import { createHttpFetcher, type HttpFetcher } from "./http.js";

/** NAIF's generic kernels (https://naif.jpl.nasa.gov/pub/naif/generic_kernels/). */
export const NAIF_BASE_URL = "https://naif.jpl.nasa.gov/pub/naif/generic_kernels";

/** A generic kernel the cache knows how to fetch. */
export interface KernelSpec {
  fileName: string;
  /** Path under the NAIF generic_kernels root. */
  remotePath: string;
  /** What the file must be, checked before it enters the cache. */
  kind: "LSK" | "SPK" | "PCK" | "TEXT";
  description: string;
}

const FIXED: KernelSpec[] = [
  { fileName: "naif0012.tls", remotePath: "lsk/naif0012.tls", kind: "LSK", description: "leap seconds (last: 2017-01-01, TAI-UTC = 37 s)" },
  { fileName: "de440s.bsp", remotePath: "spk/planets/de440s.bsp", kind: "SPK", description: "DE440 short, 1849-2150 (32 MB)" },
  { fileName: "de440.bsp", remotePath: "spk/planets/de440.bsp", kind: "SPK", description: "DE440, 1550-2650 (114 MB)" },
  { fileName: "de430.bsp", remotePath: "spk/planets/de430.bsp", kind: "SPK", description: "DE430, 1550-2650 (114 MB)" },
  { fileName: "de421.bsp", remotePath: "spk/planets/de421.bsp", kind: "SPK", description: "DE421, 1900-2050 (17 MB)" },
  { fileName: "de405.bsp", remotePath: "spk/planets/de405.bsp", kind: "SPK", description: "DE405, 1600-2200 (63 MB)" },
  { fileName: "earth_latest_high_prec.bpc", remotePath: "pck/earth_latest_high_prec.bpc", kind: "PCK", description: "Earth orientation (ITRF93), 2000 to now + predictions; updated by NAIF" },
  { fileName: "earth_assoc_itrf93.tf", remotePath: "fk/planets/earth_assoc_itrf93.tf", kind: "TEXT", description: "frame kernel tying EARTH_FIXED to ITRF93" },
  { fileName: "pck00010.tpc", remotePath: "pck/pck00010.tpc", kind: "TEXT", description: "IAU 2009 radii and orientation" },
  { fileName: "pck00011.tpc", remotePath: "pck/pck00011.tpc", kind: "TEXT", description: "IAU 2015 radii and orientation" },
];

/** Kernels fetched by name; plus any `earth_000101_*.bpc` and `deNNN[s].bsp` by pattern. */
export const KNOWN_KERNELS: readonly KernelSpec[] = FIXED;

/**
 * The spec of a kernel by file name or stem (`de440s`, `naif0012.tls`, `earth_000101_250923_250701.bpc`).
 * Throws an {@link InputError} listing the known names for anything else.
 */
export function kernelSpec(name: string): KernelSpec {
  const n = name.trim();
  const known = FIXED.find((k) => k.fileName === n || k.fileName.replace(/\.[^.]+$/, "") === n);
  if (known) return known;
  const earth = /^earth_\d{6}_\d{6}(_\d{6})?(\.bpc)?$/.exec(n);
  if (earth) {
    const fileName = n.endsWith(".bpc") ? n : `${n}.bpc`;
    return { fileName, remotePath: `pck/${fileName}`, kind: "PCK", description: "Earth orientation (ITRF93), fixed span" };
  }
  const de = /^(de\d{3}s?)(\.bsp)?$/.exec(n);
  if (de) return { fileName: `${de[1]}.bsp`, remotePath: `spk/planets/${de[1]}.bsp`, kind: "SPK", description: "JPL planetary ephemeris" };
  throw new InputError(`unknown kernel '${name}': known are ${FIXED.map((k) => k.fileName).join(", ")}, earth_000101_YYMMDD_YYMMDD.bpc and deNNN[s].bsp`);
}

/** `TNO_KERNEL_CACHE`, else `~/.cache/tno/kernels` (XDG_CACHE_HOME respected). */
export function defaultKernelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TNO_KERNEL_CACHE) return resolve(env.TNO_KERNEL_CACHE);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), ".cache"), "tno", "kernels");
}

const ManifestEntry = z.object({
  url: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().nonnegative(),
  fetchedAt: z.string(),
});
const Manifest = z.object({ version: z.literal(1), files: z.record(z.string(), ManifestEntry) });
export type KernelManifest = z.infer<typeof Manifest>;
export type KernelManifestEntry = z.infer<typeof ManifestEntry>;

/** Name of the manifest inside the cache directory. */
export const MANIFEST_FILE = "manifest.json";

export interface KernelCacheOptions {
  cacheDir?: string;
  /** NAIF root (tests point it at a local server or a mirror). */
  baseUrl?: string;
  http?: HttpFetcher;
  /** Never download: a missing kernel is a {@link KernelNotCachedError}. */
  offline?: boolean;
}

/** Result of {@link KernelCache.fetch}. */
export interface FetchedKernel {
  fileName: string;
  path: string;
  sha256: string;
  sizeBytes: number;
  /** True when the cached copy was kept. */
  reused: boolean;
}

/** One line of {@link KernelCache.verify}. */
export interface KernelCheck {
  fileName: string;
  path: string;
  /** ok: present, sha256 as recorded. modified: sha256 or size differs. missing: recorded but gone. unrecorded: present but not in the manifest. */
  status: "ok" | "modified" | "missing" | "unrecorded";
  expectedSha256?: string;
  actualSha256?: string;
}

/**
 * The generic-kernel cache: files fetched from NAIF into one directory, with a manifest of
 * their sha256. Downloads are atomic and checked (SPICE kernel type, complete DAF) before use.
 */
export class KernelCache {
  readonly cacheDir: string;
  readonly baseUrl: string;
  readonly offline: boolean;
  private readonly http: HttpFetcher | undefined;

  constructor(options: KernelCacheOptions = {}) {
    this.cacheDir = resolve(options.cacheDir ?? defaultKernelCacheDir());
    this.baseUrl = (options.baseUrl ?? NAIF_BASE_URL).replace(/\/+$/, "");
    this.offline = options.offline ?? false;
    this.http = options.http;
  }

  /** Where a kernel lives in the cache (whether or not it is there). */
  pathOf(name: string): string {
    return join(this.cacheDir, kernelSpec(name).fileName);
  }

  /** URL a kernel is fetched from. */
  urlOf(name: string): string {
    return `${this.baseUrl}/${kernelSpec(name).remotePath}`;
  }

  /** The manifest (empty when none yet). Throws a {@link KernelError} when it is corrupt. */
  manifest(): KernelManifest {
    const path = join(this.cacheDir, MANIFEST_FILE);
    if (!existsSync(path)) return { version: 1, files: {} };
    try {
      return Manifest.parse(JSON.parse(readFileSync(path, "utf8")));
    } catch (e) {
      throw new KernelError(path, `corrupt kernel manifest (${(e as Error).message.split("\n")[0]}); delete it and run \`tno kernels fetch\` again`);
    }
  }

  private async record(fileName: string, entry: KernelManifestEntry): Promise<void> {
    // Re-read just before writing: another process may have added a kernel meanwhile.
    const m = this.manifest();
    m.files[fileName] = entry;
    const sorted = Object.fromEntries(Object.entries(m.files).sort(([a], [b]) => a.localeCompare(b)));
    await writeFileAtomic(join(this.cacheDir, MANIFEST_FILE), `${JSON.stringify({ version: 1, files: sorted }, null, 2)}\n`);
  }

  /**
   * Puts a kernel in the cache. A cached copy is kept unless `force`; offline, a missing one is a
   * {@link KernelNotCachedError}. The download goes to a temporary file, is checked, then renamed.
   */
  async fetch(name: string, options: { force?: boolean } = {}): Promise<FetchedKernel> {
    const spec = kernelSpec(name);
    const path = join(this.cacheDir, spec.fileName);
    if (existsSync(path) && !options.force) {
      const known = this.manifest().files[spec.fileName];
      const sha256 = known?.sha256 ?? sha256OfFile(path);
      if (!known) await this.record(spec.fileName, { url: "(found in cache)", sha256, sizeBytes: statSync(path).size, fetchedAt: new Date(statSync(path).mtimeMs).toISOString() });
      return { fileName: spec.fileName, path, sha256, sizeBytes: statSync(path).size, reused: true };
    }
    if (this.offline) throw new KernelNotCachedError(spec.fileName, this.cacheDir);
    const url = this.urlOf(spec.fileName);
    const http = this.http ?? createHttpFetcher();
    const got = await http.download(url, path, { service: "NAIF", validate: (tmp) => checkKernelFile(tmp, spec) });
    await this.record(spec.fileName, { url, sha256: got.sha256, sizeBytes: got.sizeBytes, fetchedAt: new Date().toISOString() });
    return { fileName: spec.fileName, path, sha256: got.sha256, sizeBytes: got.sizeBytes, reused: false };
  }

  /** The manifest's entries with whether each file is present. */
  list(): Array<{ fileName: string; path: string; present: boolean; entry: KernelManifestEntry }> {
    return Object.entries(this.manifest().files).map(([fileName, entry]) => ({ fileName, path: join(this.cacheDir, fileName), present: existsSync(join(this.cacheDir, fileName)), entry }));
  }

  /** Recomputes every cached kernel's sha256 against the manifest. */
  verify(): KernelCheck[] {
    const files = this.manifest().files;
    const out: KernelCheck[] = [];
    for (const [fileName, entry] of Object.entries(files)) {
      const path = join(this.cacheDir, fileName);
      if (!existsSync(path)) {
        out.push({ fileName, path, status: "missing", expectedSha256: entry.sha256 });
        continue;
      }
      const actual = sha256OfFile(path);
      out.push({ fileName, path, status: actual === entry.sha256 && statSync(path).size === entry.sizeBytes ? "ok" : "modified", expectedSha256: entry.sha256, actualSha256: actual });
    }
    for (const spec of FIXED) {
      const path = join(this.cacheDir, spec.fileName);
      if (!files[spec.fileName] && existsSync(path)) out.push({ fileName: spec.fileName, path, status: "unrecorded", actualSha256: sha256OfFile(path) });
    }
    return out.sort((a, b) => a.fileName.localeCompare(b.fileName));
  }

  /**
   * Path of a kernel a job needs: the cached file, fetched first when missing (unless offline).
   * A name with a directory part (`./kernels/de435.bsp`, an absolute path) is used as it is.
   */
  async resolve(name: string): Promise<string> {
    if (isAbsolute(name) || name.includes(sep) || name.includes("/")) {
      if (!existsSync(name)) throw new KernelError(name, "file not found");
      return resolve(name);
    }
    const spec = kernelSpec(name);
    const path = join(this.cacheDir, spec.fileName);
    if (existsSync(path)) return path;
    if (this.offline) throw new KernelNotCachedError(spec.fileName, this.cacheDir);
    return (await this.fetch(spec.fileName)).path;
  }
}

/**
 * The path of a generic kernel for a pipeline: from the cache (`cacheDir`, default
 * {@link defaultKernelCacheDir}), downloading it when missing unless `offline`. Offline and
 * missing throws a {@link KernelNotCachedError} whose message names the file and the
 * `tno kernels fetch <file>` command.
 */
export function resolveKernel(name: string, options: KernelCacheOptions = {}): Promise<string> {
  return new KernelCache(options).resolve(name);
}

/** Rejects a download that is not the kernel it claims to be (HTML page, cut DAF, wrong type). */
export function checkKernelFile(path: string, spec: KernelSpec): void {
  const bytes = readFileSync(path);
  const kind = kernelKind(bytes);
  if (!kind) throw new KernelError(spec.fileName, `download is not a SPICE kernel (starts with '${bytes.subarray(0, 16).toString("latin1").replace(/[^\x20-\x7e]/g, ".")}')`);
  const compatible = kind === spec.kind || (spec.kind === "TEXT" && (kind === "TEXT" || kind === "LSK"));
  if (!compatible) throw new KernelError(spec.fileName, `download is a ${kind} kernel, expected ${spec.kind}`);
  if (kind === "SPK" || kind === "PCK") {
    if (bytes.length % 1024 !== 0) throw new KernelError(spec.fileName, `download of ${bytes.length} bytes is not a whole number of 1024-byte DAF records (truncated)`);
    try {
      if (readDaf(bytes).segments.length === 0) throw new Error("no segments");
    } catch (e) {
      throw new KernelError(spec.fileName, `download is not a complete DAF: ${(e as Error).message}`);
    }
  } else if (!/\\begindata/.test(bytes.toString("latin1"))) {
    throw new KernelError(spec.fileName, "text kernel has no \\begindata section (truncated?)");
  }
}
