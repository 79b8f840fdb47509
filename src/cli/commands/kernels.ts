import type { Command } from "commander";
import { KernelCache, KNOWN_KERNELS, defaultKernelCacheDir } from "../../external/kernels.js";
import { HorizonsClient, ensureHorizonsSpk } from "../../external/horizons.js";
import { bspSpan, type DateSpan } from "../../external/span.js";
import { EXIT_FAILED, InputError } from "../errors.js";

interface CacheFlags {
  cacheDir?: string;
  baseUrl?: string;
  offline?: boolean;
  json?: boolean;
}

function cacheOf(flags: CacheFlags): KernelCache {
  return new KernelCache({ cacheDir: flags.cacheDir, baseUrl: flags.baseUrl, offline: flags.offline });
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * Registers `tno kernels`: `fetch <names...>`, `list`, `verify`, `path <name>`. The cache is
 * `--cache-dir`, else TNO_KERNEL_CACHE, else ~/.cache/tno/kernels.
 */
export function registerKernels(program: Command): void {
  const kernels = program
    .command("kernels")
    .description(`Generic SPICE kernels (leap seconds, DE ephemerides, Earth orientation) in a local cache (default ${defaultKernelCacheDir()}).`);

  const withCache = (c: Command) => c.option("--cache-dir <dir>", "kernel cache directory (default: TNO_KERNEL_CACHE or ~/.cache/tno/kernels)");

  withCache(kernels.command("fetch"))
    .argument("<names...>", `kernels: ${KNOWN_KERNELS.map((k) => k.fileName.replace(/\.[^.]+$/, "")).join(", ")}, earth_000101_YYMMDD_YYMMDD`)
    .description("Download kernels into the cache (kept when already there), recording their sha256.")
    .option("--base-url <url>", "root of the generic_kernels tree (a mirror)")
    .option("--force", "download again even when cached")
    .option("--offline", "do not download: only check that the kernels are cached")
    .action(async (names: string[], flags: CacheFlags & { force?: boolean }) => {
      const cache = cacheOf(flags);
      for (const name of names) {
        const r = await cache.fetch(name, { force: flags.force });
        out(`${r.reused ? "cached " : "fetched"}  ${r.fileName}  ${mib(r.sizeBytes)}  sha256 ${r.sha256}  ${r.path}`);
      }
    });

  withCache(kernels.command("list"))
    .description("List cached kernels (from the manifest) and the kernels that can be fetched.")
    .option("--json", "print JSON")
    .action((flags: CacheFlags) => {
      const cache = cacheOf(flags);
      const cached = cache.list();
      if (flags.json) {
        out(JSON.stringify({ cacheDir: cache.cacheDir, cached, available: KNOWN_KERNELS }, null, 2));
        return;
      }
      out(`cache: ${cache.cacheDir}`);
      if (cached.length === 0) out("  (empty)");
      for (const k of cached) out(`  ${k.present ? "  " : "! "}${k.fileName}  ${mib(k.entry.sizeBytes)}  ${k.entry.fetchedAt}${k.present ? "" : "  MISSING"}`);
      out("available:");
      for (const k of KNOWN_KERNELS) out(`  ${k.fileName.padEnd(28)} ${k.description}`);
    });

  withCache(kernels.command("verify"))
    .description("Recompute the sha256 of every cached kernel against the manifest (exit 1 on a mismatch or a missing file).")
    .option("--json", "print JSON")
    .action((flags: CacheFlags) => {
      const checks = cacheOf(flags).verify();
      if (flags.json) out(JSON.stringify(checks, null, 2));
      else for (const c of checks) out(`${c.status.padEnd(10)} ${c.fileName}${c.status === "modified" ? `  expected ${c.expectedSha256} got ${c.actualSha256}` : ""}`);
      if (checks.some((c) => c.status === "modified" || c.status === "missing")) process.exitCode = EXIT_FAILED;
    });

  withCache(kernels.command("path"))
    .argument("<name>", "kernel name")
    .description("Print the cached path of a kernel, fetching it first unless --offline.")
    .option("--base-url <url>", "root of the generic_kernels tree (a mirror)")
    .option("--offline", "do not download")
    .action(async (name: string, flags: CacheFlags) => {
      out(await cacheOf(flags).resolve(name));
    });

  kernels
    .command("spk")
    .argument("<object>", "number, name or provisional designation (e.g. 2060, Chiron, '1999 RB216')")
    .description("Download (or reuse) the JPL Horizons SPK of a small body as <dir>/<alias>.bsp with <alias>.json metadata.")
    .requiredOption("--from <date>", "start of the period to cover (YYYY-MM-DD)")
    .requiredOption("--to <date>", "end of the period to cover (YYYY-MM-DD)")
    .option("--exact", "request exactly --from .. --to instead of the legacy span (Jan 1 of year-1 .. Dec 31 of year+1)")
    .option("--spk-id <id>", "known SPK-ID: asked for as DES=<id>; (never ambiguous)")
    .option("--dir <dir>", "output directory", ".")
    .option("--alias <alias>", "file stem (default: the object without spaces, '_' and '/')")
    .option("--days-to-expire <n>", "reuse a file younger than n whole days (0 = always download)", "0")
    .option("--offline", "use only the file already on disk")
    .option("--base-url <url>", "Horizons API endpoint")
    .option("--json", "print the metadata as JSON")
    .action(async (object: string, flags: { from: string; to: string; exact?: boolean; spkId?: string; dir: string; alias?: string; daysToExpire: string; offline?: boolean; baseUrl?: string; json?: boolean }) => {
      const days = Number(flags.daysToExpire);
      if (!Number.isInteger(days) || days < 0) throw new InputError(`--days-to-expire: '${flags.daysToExpire}' is not a whole number of days >= 0`);
      const spkId = flags.spkId === undefined ? undefined : Number(flags.spkId);
      if (spkId !== undefined && !Number.isInteger(spkId)) throw new InputError(`--spk-id: '${flags.spkId}' is not an integer`);
      const span: DateSpan = flags.exact ? { start: flags.from, end: flags.to } : bspSpan(flags.from, flags.to);
      const r = await ensureHorizonsSpk({
        target: { identifier: object, ...(spkId !== undefined ? { spkId } : {}) },
        alias: flags.alias ?? object.replace(/[\s_/]/g, ""),
        dir: flags.dir,
        span,
        period: { start: flags.from, end: flags.to },
        daysToExpire: days,
        offline: flags.offline,
        source: new HorizonsClient({ baseUrl: flags.baseUrl }),
      });
      if (flags.json) out(JSON.stringify({ ...r.meta, bspPath: r.bspPath, reused: r.reused }, null, 2));
      else out(`${r.reused ? "reused " : "fetched"}  ${r.bspPath}  SPK-ID ${r.meta.spkId}  ${r.meta.solution ?? "(solution unknown)"}  ${r.meta.span.start} .. ${r.meta.span.end}`);
    });
}
