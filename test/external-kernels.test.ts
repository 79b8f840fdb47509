/**
 * Kernel cache and `tno kernels` against a local server standing in for NAIF's generic_kernels
 * tree. It serves the real NAIF files of the shared data (kernels/naif0012.tls, pck00010.tpc,
 * earth_000101_210317_201224.bpc, earth_assoc_itrf93.tf) and, under the name de405.bsp, the
 * DE405 2000-2050 SPK (spk_planetary/de405_2000-2050_debian-casacore.bsp). No internet.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  KernelCache,
  KernelNotCachedError,
  TruncatedPayloadError,
  createHttpFetcher,
  defaultKernelCacheDir,
  kernelSpec,
  resolveKernel,
} from "../src/external/index.js";
import { KernelError, SpiceEngine } from "../src/spice/index.js";
import { InputError } from "../src/cli/errors.js";
import { dataPath } from "./helpers/data.js";
import { runCli } from "./helpers/cli.js";
import { send, startLocalServer, type LocalServer } from "./helpers/http-server.js";

/** Remote path under generic_kernels -> shared file that stands in for it. */
const TREE: Record<string, string> = {
  "/lsk/naif0012.tls": "kernels/naif0012.tls",
  "/pck/pck00010.tpc": "kernels/pck00010.tpc",
  "/pck/earth_000101_210317_201224.bpc": "kernels/earth_000101_210317_201224.bpc",
  "/fk/planets/earth_assoc_itrf93.tf": "kernels/earth_assoc_itrf93.tf",
  "/spk/planets/de405.bsp": "spk_planetary/de405_2000-2050_debian-casacore.bsp",
};
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const fastHttp = () => createHttpFetcher({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 }, idleTimeoutMs: 2000 });

let server: LocalServer;
/** Per-path fault to inject on the next requests. */
const faults = new Map<string, Array<"500" | "cut" | "html">>();
const dirs: string[] = [];
function cacheDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tno-kernels-"));
  dirs.push(d);
  return d;
}
/** Files in the cache dir, temporary ones included. */
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

before(async () => {
  server = await startLocalServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname.replace(/^\/naif/, "");
    const fault = faults.get(path)?.shift();
    if (fault === "500") return send(res, 500, "text/plain", "Internal Server Error");
    if (fault === "html") return send(res, 200, "text/html", "<html><head><title>Maintenance</title></head><body>NAIF server maintenance</body></html>");
    const file = TREE[path];
    if (!file) return send(res, 404, "text/html", "<html><title>404 Not Found</title></html>");
    const bytes = readFileSync(dataPath(file));
    if (fault === "cut") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(bytes.length) });
      res.write(bytes.subarray(0, 4096), () => res.destroy());
      return;
    }
    send(res, 200, "application/octet-stream", bytes);
  });
});
after(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const base = () => `${server.origin}/naif`;

describe("kernel names", () => {
  it("maps names and stems to the NAIF tree; unknown names are an InputError", () => {
    assert.equal(kernelSpec("naif0012").remotePath, "lsk/naif0012.tls");
    assert.equal(kernelSpec("de440s").remotePath, "spk/planets/de440s.bsp");
    assert.equal(kernelSpec("de440.bsp").fileName, "de440.bsp");
    assert.equal(kernelSpec("earth_latest_high_prec").remotePath, "pck/earth_latest_high_prec.bpc");
    assert.equal(kernelSpec("earth_000101_250923_250701.bpc").remotePath, "pck/earth_000101_250923_250701.bpc");
    assert.equal(kernelSpec("earth_assoc_itrf93").remotePath, "fk/planets/earth_assoc_itrf93.tf");
    assert.equal(kernelSpec("pck00011").remotePath, "pck/pck00011.tpc");
    assert.throws(() => kernelSpec("jup365.bsp"), InputError);
    assert.equal(defaultKernelCacheDir({ TNO_KERNEL_CACHE: "/x/k" }), "/x/k");
    assert.equal(defaultKernelCacheDir({ HOME: "/h", XDG_CACHE_HOME: "/c" }), "/c/tno/kernels");
  });
});

describe("kernel cache", () => {
  it("fetches into the cache with a sha256 manifest, reuses, lists, verifies", async () => {
    const dir = cacheDir();
    const cache = new KernelCache({ cacheDir: dir, baseUrl: base(), http: fastHttp() });
    const n0 = server.requests.length;
    const lsk = await cache.fetch("naif0012");
    const de = await cache.fetch("de405");
    const eop = await cache.fetch("earth_000101_210317_201224");
    const fk = await cache.fetch("earth_assoc_itrf93");
    assert.equal(server.requests.length, n0 + 4);
    assert.equal(lsk.sha256, sha(readFileSync(dataPath("kernels/naif0012.tls"))));
    assert.equal(de.sha256, sha(readFileSync(dataPath("spk_planetary/de405_2000-2050_debian-casacore.bsp"))));
    assert.equal(de.sizeBytes, readFileSync(dataPath("spk_planetary/de405_2000-2050_debian-casacore.bsp")).length);
    assert.ok(!eop.reused && !fk.reused);
    assert.deepEqual(listing(dir), ["de405.bsp", "earth_000101_210317_201224.bpc", "earth_assoc_itrf93.tf", "manifest.json", "naif0012.tls"]);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: Record<string, { sha256: string; url: string }> };
    assert.equal(manifest.files["naif0012.tls"]!.sha256, lsk.sha256);
    assert.equal(manifest.files["de405.bsp"]!.url, `${base()}/spk/planets/de405.bsp`);

    const again = await cache.fetch("naif0012.tls");
    assert.equal(again.reused, true);
    assert.equal(server.requests.length, n0 + 4, "a cached kernel is not downloaded again");
    assert.deepEqual(cache.list().map((k) => [k.fileName, k.present]), [["de405.bsp", true], ["earth_000101_210317_201224.bpc", true], ["earth_assoc_itrf93.tf", true], ["naif0012.tls", true]]);
    assert.ok(cache.verify().every((c) => c.status === "ok"));

    // The fetched kernels work in SPICE.
    const engine = await SpiceEngine.create();
    try {
      const info = engine.loadKernel(de.path);
      assert.equal(info.kind, "SPK");
      assert.ok(info.bodies.some((b) => b.id === 399));
      assert.equal(engine.loadKernel(lsk.path).kind, "LSK");
    } finally {
      engine.dispose();
    }

    appendFileSync(join(dir, "earth_assoc_itrf93.tf"), "\n");
    unlinkSync(join(dir, "naif0012.tls"));
    const checks = Object.fromEntries(cache.verify().map((c) => [c.fileName, c.status]));
    assert.deepEqual(checks, { "de405.bsp": "ok", "earth_000101_210317_201224.bpc": "ok", "earth_assoc_itrf93.tf": "modified", "naif0012.tls": "missing" });
    const refetched = await cache.fetch("earth_assoc_itrf93", { force: true });
    assert.equal(refetched.reused, false);
    assert.equal(cache.verify().find((c) => c.fileName === "earth_assoc_itrf93.tf")!.status, "ok");
  });

  it("offline: a cached kernel resolves, a missing one names the file and the fetch command", async () => {
    const dir = cacheDir();
    await new KernelCache({ cacheDir: dir, baseUrl: base(), http: fastHttp() }).fetch("pck00010");
    const n0 = server.requests.length;
    assert.equal(await resolveKernel("pck00010", { cacheDir: dir, offline: true }), join(dir, "pck00010.tpc"));
    await assert.rejects(resolveKernel("de440s", { cacheDir: dir, offline: true }), (e: unknown) => {
      assert.ok(e instanceof KernelNotCachedError && e instanceof KernelError);
      assert.match(e.message, /de440s\.bsp/);
      assert.match(e.message, /tno kernels fetch de440s\.bsp/);
      return true;
    });
    await assert.rejects(new KernelCache({ cacheDir: dir, offline: true }).fetch("naif0012"), KernelNotCachedError);
    assert.equal(server.requests.length, n0, "offline makes no request");
    // Online, a missing kernel is fetched on demand.
    assert.equal(await resolveKernel("naif0012", { cacheDir: dir, baseUrl: base(), http: fastHttp() }), join(dir, "naif0012.tls"));
    assert.equal(server.requests.length, n0 + 1);
    // Paths are used as they are.
    const lsk = dataPath("kernels/naif0012.tls");
    assert.equal(await resolveKernel(lsk, { cacheDir: dir, offline: true }), lsk);
    await assert.rejects(resolveKernel("./no/such/kernel.bsp", { cacheDir: dir }), KernelError);
  });

  it("retries a 500 and a connection cut mid-file; never leaves a partial file", async () => {
    const dir = cacheDir();
    const cache = new KernelCache({ cacheDir: dir, baseUrl: base(), http: fastHttp() });
    faults.set("/spk/planets/de405.bsp", ["500", "cut"]);
    const n0 = server.requests.length;
    const r = await cache.fetch("de405");
    assert.equal(server.requests.length, n0 + 3);
    assert.equal(r.sha256, sha(readFileSync(dataPath("spk_planetary/de405_2000-2050_debian-casacore.bsp"))));
    assert.deepEqual(listing(dir), ["de405.bsp", "manifest.json"]);

    const dir2 = cacheDir();
    faults.set("/lsk/naif0012.tls", ["cut", "cut", "cut"]);
    await assert.rejects(new KernelCache({ cacheDir: dir2, baseUrl: base(), http: fastHttp() }).fetch("naif0012"), TruncatedPayloadError);
    assert.deepEqual(listing(dir2), [], "no partial file, no manifest entry");
  });

  it("rejects an HTML page served as a kernel, and a 404, without touching the cache", async () => {
    const dir = cacheDir();
    const cache = new KernelCache({ cacheDir: dir, baseUrl: base(), http: fastHttp() });
    faults.set("/pck/pck00010.tpc", ["html"]);
    await assert.rejects(cache.fetch("pck00010"), (e: unknown) => e instanceof KernelError && /not a SPICE kernel/.test(e.message));
    await assert.rejects(cache.fetch("de440s"), (e: unknown) => e instanceof Error && /HTTP 404/.test(e.message));
    assert.deepEqual(listing(dir), []);
  });
});

describe("tno kernels", () => {
  const run = runCli;

  it("fetch, list, verify, path; offline miss exits 2 naming the command", async () => {
    const dir = cacheDir();
    const fetched = await run(["kernels", "fetch", "naif0012", "earth_assoc_itrf93", "--cache-dir", dir, "--base-url", base()]);
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.match(fetched.stdout, /fetched\s+naif0012\.tls/);
    assert.match(fetched.stdout, /fetched\s+earth_assoc_itrf93\.tf/);
    const cached = await run(["kernels", "fetch", "naif0012", "--cache-dir", dir, "--offline"]);
    assert.equal(cached.code, 0);
    assert.match(cached.stdout, /cached\s+naif0012\.tls/);

    const list = await run(["kernels", "list", "--cache-dir", dir, "--json"]);
    assert.equal(list.code, 0);
    const listed = JSON.parse(list.stdout) as { cached: Array<{ fileName: string }> };
    assert.deepEqual(listed.cached.map((k) => k.fileName), ["earth_assoc_itrf93.tf", "naif0012.tls"]);

    assert.equal((await run(["kernels", "verify", "--cache-dir", dir])).code, 0);
    writeFileSync(join(dir, "naif0012.tls"), "tampered");
    const bad = await run(["kernels", "verify", "--cache-dir", dir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /modified\s+naif0012\.tls/);

    const path = await run(["kernels", "path", "earth_assoc_itrf93", "--cache-dir", dir, "--offline"]);
    assert.equal(path.stdout.trim(), join(dir, "earth_assoc_itrf93.tf"));
    const miss = await run(["kernels", "path", "de440s", "--cache-dir", dir, "--offline"]);
    assert.equal(miss.code, 2);
    assert.match(miss.stderr, /tno kernels fetch de440s\.bsp/);
    const unknown = await run(["kernels", "fetch", "nosuch", "--cache-dir", dir, "--offline"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown kernel 'nosuch'/);
  });
});
