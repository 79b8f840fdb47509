import type { Command } from "commander";
import { KernelCache, KNOWN_KERNELS, defaultKernelCacheDir } from "../../external/kernels.js";
import { EXIT_FAILED } from "../errors.js";

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
}
