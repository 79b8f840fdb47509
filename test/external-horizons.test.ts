/**
 * Horizons SPK client against a local HTTP server (127.0.0.1, random port) that replays the
 * real Horizons answer `spk_smallbody/chiron_20002060_jpl152_horizons_api_response_base64.txt`
 * (Chiron, JPL#152, 2012-01-01 .. 2024-12-31 TDB) and injects faults. No test reaches the internet.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import {
  AmbiguousObjectError,
  HorizonsClient,
  InvalidPayloadError,
  ObjectNotFoundError,
  OfflineCacheMissError,
  ServiceError,
  TruncatedPayloadError,
  bspSpan,
  checkSpan,
  createHttpFetcher,
  ensureHorizonsSpk,
  horizonsCommands,
  horizonsSpkUrl,
  isBspReusable,
  parseHorizonsCandidates,
  type SpkSource,
} from "../src/external/index.js";
import { SpiceEngine, smallBodyIdOfSpk } from "../src/spice/index.js";
import { InputError } from "../src/cli/errors.js";
import { dataPath, repoRoot } from "./helpers/data.js";
import { runCli } from "./helpers/cli.js";
import { chironAnswerJson, chironAnswerText, send, startLocalServer, type LocalServer } from "./helpers/http-server.js";

/** Coverage and ids are read from the file: they must match exactly. */
const COVERAGE_TOLERANCE_S = 0;
/** Chiron JPL#152 answer: 2012-01-01 00:00 TDB and 2024-12-31 00:00 TDB in seconds past J2000 (its DAF summaries). */
const CHIRON_COVERAGE_ET: [number, number] = [378648000, 788875200];
const CHIRON_SPAN = { start: "2012-01-01", end: "2024-12-31" };
const CHIRON_SPK_ID = 20002060;
/** Bytes of the decoded SPK: 299 DAF records, identical to `chiron_20002060_jpl152_2012-2024_linea.bsp`. */
const CHIRON_SPK_BYTES = 306176;

const fixture = (name: string) => readFileSync(join(repoRoot, "test/fixtures/horizons", name), "utf8");
const fastRetry = (sleeps: number[] = []) => createHttpFetcher({ retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 40 }, timeoutMs: 2000, sleep: async (ms) => void sleeps.push(ms) });

let engine: SpiceEngine;
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tno-horizons-"));
  dirs.push(d);
  return d;
}
/** Every file in a directory (temporary `.part` files included). */
const listing = (dir: string) => readdirSync(dir).sort();

before(async () => {
  engine = await SpiceEngine.create();
});
after(() => {
  engine.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("Horizons request", () => {
  it("builds COMMAND values: number, SPK-ID, provisional designation (DES= then name), name", () => {
    assert.deepEqual(horizonsCommands({ identifier: 2060 }), ["2060;"]);
    assert.deepEqual(horizonsCommands({ identifier: "2060 Chiron" }), ["2060;"]);
    assert.deepEqual(horizonsCommands({ identifier: "(137295) 1999 RB216" }), ["137295;"]);
    assert.deepEqual(horizonsCommands({ identifier: "Chiron", spkId: CHIRON_SPK_ID }), ["DES=20002060;"]);
    assert.deepEqual(horizonsCommands({ identifier: "1999 RB216" }), ["DES=1999 RB216;", "1999 RB216;"]);
    assert.deepEqual(horizonsCommands({ identifier: "Chiron" }), ["Chiron;"]);
  });

  it("sends the legacy parameters, span as YYYY-Mon-DD, quoted and %20-encoded", () => {
    const url = new URL(horizonsSpkUrl("DES=1999 RB216;", { start: "2011-01-01", end: "2020-12-31" }, "http://h.test/api"));
    assert.equal(url.searchParams.get("format"), "json");
    assert.equal(url.searchParams.get("EPHEM_TYPE"), "SPK");
    assert.equal(url.searchParams.get("OBJ_DATA"), "YES");
    assert.equal(url.searchParams.get("COMMAND"), "'DES=1999 RB216;'");
    assert.equal(url.searchParams.get("START_TIME"), "'2011-Jan-01'");
    assert.equal(url.searchParams.get("STOP_TIME"), "'2020-Dec-31'");
    assert.ok(!url.search.includes("+"), "spaces are %20, not +");
  });

  it("spans as the legacy: Jan 1 of start year - 1 .. Dec 31 of end year + 1; refuses <= 32 days", () => {
    assert.deepEqual(bspSpan("2012-11-10", "2019-02-28T03:00:00"), { start: "2011-01-01", end: "2020-12-31" });
    assert.deepEqual(bspSpan(new Date(Date.UTC(2013, 5, 1)), 2013), { start: "2012-01-01", end: "2014-12-31" });
    assert.throws(() => checkSpan({ start: "2020-01-01", end: "2020-02-02" }), /32 days/);
    assert.doesNotThrow(() => checkSpan({ start: "2020-01-01", end: "2020-02-03" }));
    assert.throws(() => checkSpan({ start: "2020-02-30", end: "2021-01-01" }), /calendar date/);
  });

  it("bsp_days_to_expire rule: age in whole days < days, span covers period, 0 = always refresh", () => {
    const meta = { span: { start: "2011-01-01", end: "2020-12-31" } };
    const now = Date.UTC(2024, 0, 10);
    const period = { start: "2012-11-10", end: "2019-02-28" };
    assert.equal(isBspReusable(meta, now - 29.9 * 86400e3, now, 30, period), true);
    assert.equal(isBspReusable(meta, now - 30 * 86400e3, now, 30, period), false);
    assert.equal(isBspReusable(meta, now, now, 0, period), false);
    assert.equal(isBspReusable(meta, now, now, 30, { start: "2010-12-31", end: "2019-02-28" }), false);
    assert.equal(isBspReusable(meta, now, now, 30, { start: "2012-11-10", end: "2021-01-01" }), false);
    assert.equal(isBspReusable(meta, undefined, now, 30, period), false);
  });

  it("parses the candidates of a multiple-match list (hand-made fixture)", () => {
    const result = (JSON.parse(fixture("multiple_matches_chiron.json")) as { result: string }).result;
    assert.deepEqual(parseHorizonsCandidates(result), [
      { record: "2060", designation: "1977 UB", name: "Chiron" },
      { record: "90000915", epochYear: "1996", designation: "95P", name: "Chiron" },
      { record: "90000916", epochYear: "2019", designation: "95P", name: "Chiron" },
    ]);
  });
});

describe("Horizons SPK download (replay of the real Chiron answer)", () => {
  let server: LocalServer;
  before(async () => {
    const json = JSON.stringify(chironAnswerJson());
    server = await startLocalServer((_req, res) => send(res, 200, "application/json", json));
  });
  after(() => server.close());

  it("writes <alias>.bsp and <alias>.json; the SPK opens in SPICE with id 20002060 and the metadata's coverage", async () => {
    const dir = tempDir();
    const source = new HorizonsClient({ baseUrl: `${server.origin}/api/horizons.api`, http: fastRetry() });
    const r = await ensureHorizonsSpk({ target: { identifier: 2060 }, alias: "Chiron", dir, span: CHIRON_SPAN, daysToExpire: 30, source, engine });
    assert.equal(r.reused, false);
    const q = server.requests.at(-1)!.query;
    assert.deepEqual(
      { format: q.format, EPHEM_TYPE: q.EPHEM_TYPE, OBJ_DATA: q.OBJ_DATA, COMMAND: q.COMMAND, START_TIME: q.START_TIME, STOP_TIME: q.STOP_TIME },
      { format: "json", EPHEM_TYPE: "SPK", OBJ_DATA: "YES", COMMAND: "'2060;'", START_TIME: "'2012-Jan-01'", STOP_TIME: "'2024-Dec-31'" },
    );
    assert.deepEqual(listing(dir), ["Chiron.bsp", "Chiron.json"]);
    const bytes = readFileSync(r.bspPath);
    const meta = JSON.parse(readFileSync(r.metadataPath, "utf8")) as Record<string, unknown>;
    assert.equal(meta.source, "JPL Horizons");
    assert.equal(meta.solution, "JPL#152");
    assert.equal(meta.spkId, CHIRON_SPK_ID);
    assert.deepEqual(meta.span, CHIRON_SPAN);
    assert.equal(meta.sizeBytes, CHIRON_SPK_BYTES);
    assert.equal(meta.sha256, createHash("sha256").update(bytes).digest("hex"));
    assert.ok(!Number.isNaN(Date.parse(String(meta.downloadedAt))));
    // The decoded bytes are the kernel LIneA saved from the same answer.
    assert.ok(bytes.equals(readFileSync(dataPath("spk_smallbody/chiron_20002060_jpl152_2012-2024_linea.bsp"))));

    assert.equal(smallBodyIdOfSpk(r.bspPath), CHIRON_SPK_ID);
    const info = engine.loadKernel(r.bspPath, { slot: "test-chiron" });
    const body = info.bodies.find((b) => b.id === CHIRON_SPK_ID);
    assert.ok(body, "SPICE sees body 20002060");
    assert.equal(body.coverageEt.length, 1);
    const [start, end] = body.coverageEt[0]!;
    const [mStart, mEnd] = meta.coverageEt as [number, number];
    assert.ok(Math.abs(start - mStart) <= COVERAGE_TOLERANCE_S && Math.abs(end - mEnd) <= COVERAGE_TOLERANCE_S);
    assert.deepEqual([start, end], CHIRON_COVERAGE_ET);
    assert.deepEqual(engine.coverage(CHIRON_SPK_ID), [CHIRON_COVERAGE_ET]);
    engine.unloadKernel(info.virtualPath);
  });

  it("accepts the answer in format=text too (the shared file served verbatim)", async () => {
    const text = await startLocalServer((_req, res) => send(res, 200, "text/plain", chironAnswerText()));
    try {
      const dir = tempDir();
      const source = new HorizonsClient({ baseUrl: text.origin, http: fastRetry() });
      const r = await ensureHorizonsSpk({ target: { identifier: "Chiron", spkId: CHIRON_SPK_ID }, alias: "Chiron", dir, span: CHIRON_SPAN, daysToExpire: 30, source, engine });
      assert.equal(r.meta.spkId, CHIRON_SPK_ID);
      assert.equal(r.meta.solution, "JPL#152");
      assert.equal(text.requests[0]!.query.COMMAND, "'DES=20002060;'");
    } finally {
      await text.close();
    }
  });

  it("refuses an SPK that does not cover the requested span, and writes nothing", async () => {
    const dir = tempDir();
    const source = new HorizonsClient({ baseUrl: server.origin, http: fastRetry() });
    await assert.rejects(
      ensureHorizonsSpk({ target: { identifier: 2060 }, alias: "Chiron", dir, span: { start: "2011-01-01", end: "2020-12-31" }, daysToExpire: 30, source, engine }),
      (e: unknown) => e instanceof InvalidPayloadError && /not the span 2011-01-01/.test(e.message),
    );
    assert.deepEqual(listing(dir), []);
  });

  it("reuses a fresh file, refreshes a stale one, always refreshes with 0, and reuses offline", async () => {
    const dir = tempDir();
    const source = new HorizonsClient({ baseUrl: server.origin, http: fastRetry() });
    const base = { target: { identifier: 2060 }, alias: "Chiron", dir, span: CHIRON_SPAN, period: { start: "2013-01-01", end: "2023-12-31" }, source, engine };
    const n0 = server.requests.length;
    assert.equal((await ensureHorizonsSpk({ ...base, daysToExpire: 30 })).reused, false);
    assert.equal((await ensureHorizonsSpk({ ...base, daysToExpire: 30 })).reused, true);
    assert.equal(server.requests.length, n0 + 1, "a fresh cache makes no request");

    const stale = (Date.now() - 40 * 86400e3) / 1000;
    utimesSync(join(dir, "Chiron.bsp"), stale, stale);
    const refreshed = await ensureHorizonsSpk({ ...base, daysToExpire: 30 });
    assert.equal(refreshed.reused, false, "40-day-old file with bsp_days_to_expire=30 is downloaded again");
    assert.equal(server.requests.length, n0 + 2);

    assert.equal((await ensureHorizonsSpk({ ...base, daysToExpire: 0 })).reused, false);
    assert.equal(server.requests.length, n0 + 3);

    // A period the cached span does not cover forces a download (cached span narrowed by hand).
    const metaPath = join(dir, "Chiron.json");
    const narrowed = { ...JSON.parse(readFileSync(metaPath, "utf8")), span: { start: "2014-01-01", end: "2022-12-31" } };
    writeFileSync(metaPath, JSON.stringify(narrowed));
    assert.equal((await ensureHorizonsSpk({ ...base, daysToExpire: 30 })).reused, false);
    assert.equal(server.requests.length, n0 + 4);
    // A period outside the requested span is a caller error, before any request.
    await assert.rejects(ensureHorizonsSpk({ ...base, period: { start: "2010-06-01", end: "2020-01-01" }, daysToExpire: 30 }), InputError);
    assert.equal(server.requests.length, n0 + 4);

    // Offline: a stale but covering, intact file is used, and no source is needed.
    utimesSync(join(dir, "Chiron.bsp"), stale, stale);
    const offlineSource: SpkSource = { fetchSpk: () => Promise.reject(new Error("offline: must not be called")) };
    const off = await ensureHorizonsSpk({ ...base, source: offlineSource, daysToExpire: 30, offline: true });
    assert.equal(off.reused, true);
    assert.equal(off.meta.spkId, CHIRON_SPK_ID);

    // A file that no longer matches its sha256 is not trusted.
    writeFileSync(join(dir, "Chiron.bsp"), Buffer.alloc(1024));
    await assert.rejects(ensureHorizonsSpk({ ...base, source: offlineSource, daysToExpire: 30, offline: true }), (e: unknown) => e instanceof OfflineCacheMissError && /sha256/.test(e.message));
    const again = await ensureHorizonsSpk({ ...base, daysToExpire: 30 });
    assert.equal(again.reused, false);
  });

  it("tno kernels spk: legacy span from --from/--to, files written, then reused offline", async () => {
    const dir = tempDir();
    const args = ["kernels", "spk", "2060", "--from", "2013-03-01", "--to", "2023-06-30", "--dir", dir, "--base-url", server.origin, "--json"];
    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
    const meta = JSON.parse(r.stdout) as { spkId: number; span: { start: string; end: string }; solution: string; reused: boolean; bspPath: string };
    assert.deepEqual([meta.spkId, meta.solution, meta.reused], [CHIRON_SPK_ID, "JPL#152", false]);
    assert.deepEqual(meta.span, CHIRON_SPAN, "2013 - 1 .. 2023 + 1");
    assert.deepEqual(listing(dir), ["2060.bsp", "2060.json"]);
    assert.equal(server.requests.at(-1)!.query.START_TIME, "'2012-Jan-01'");
    const offline = await runCli(["kernels", "spk", "2060", "--from", "2013-03-01", "--to", "2023-06-30", "--dir", dir, "--offline"]);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /^reused/);
    const bad = await runCli(["kernels", "spk", "2060", "--from", "2013-03-01", "--to", "2013-03-20", "--exact", "--dir", dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /32 days/);
  });

  it("offline with an empty cache names the missing file", async () => {
    const dir = tempDir();
    await assert.rejects(
      ensureHorizonsSpk({ target: { identifier: 2060 }, alias: "Chiron", dir, span: CHIRON_SPAN, daysToExpire: 30, offline: true }),
      (e: unknown) => e instanceof OfflineCacheMissError && e.message.includes("Chiron.bsp"),
    );
  });
});

describe("Horizons faults", () => {
  const json = () => JSON.stringify(chironAnswerJson());

  async function run(server: LocalServer, dir: string, sleeps: number[] = [], identifier: string | number = 2060) {
    const source = new HorizonsClient({ baseUrl: server.origin, http: fastRetry(sleeps), timeoutMs: 300 });
    return ensureHorizonsSpk({ target: { identifier }, alias: "obj", dir, span: CHIRON_SPAN, daysToExpire: 30, source, engine });
  }

  it("retries 500s with exponential backoff, then succeeds", async () => {
    const server = await startLocalServer((_req, res, n) => (n < 2 ? send(res, 500, "text/plain", "Internal Server Error") : send(res, 200, "application/json", json())));
    try {
      const sleeps: number[] = [];
      const r = await run(server, tempDir(), sleeps);
      assert.equal(r.meta.spkId, CHIRON_SPK_ID);
      assert.equal(server.requests.length, 3);
      assert.deepEqual(sleeps, [5, 10]);
    } finally {
      await server.close();
    }
  });

  it("retries a timeout (no answer), then succeeds; a server that never answers gives a timeout ServiceError", async () => {
    const hang = await startLocalServer((_req, res, n) => (n === 0 ? undefined : send(res, 200, "application/json", json())));
    try {
      const r = await run(hang, tempDir());
      assert.equal(r.meta.solution, "JPL#152");
      assert.equal(hang.requests.length, 2);
    } finally {
      await hang.close();
    }
    const dead = await startLocalServer(() => undefined);
    try {
      const dir = tempDir();
      const sleeps: number[] = [];
      await assert.rejects(run(dead, dir, sleeps), (e: unknown) => e instanceof ServiceError && e.failure === "timeout" && e.attempts === 4);
      assert.equal(dead.requests.length, 4);
      assert.deepEqual(sleeps, [5, 10, 20]);
      assert.deepEqual(listing(dir), []);
    } finally {
      await dead.close();
    }
  });

  it("a slow server within the timeout succeeds; slower than the timeout fails without a partial file", async () => {
    const body = json();
    const slowly = (delayMs: number) => async (_req: unknown, res: import("node:http").ServerResponse) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
      const parts = 4;
      const step = Math.ceil(body.length / parts);
      for (let i = 0; i < parts; i++) {
        if (res.destroyed) return;
        res.write(body.slice(i * step, (i + 1) * step));
        await new Promise((r) => setTimeout(r, delayMs));
      }
      res.end();
    };
    const slow = await startLocalServer(slowly(30));
    try {
      assert.equal((await run(slow, tempDir())).meta.spkId, CHIRON_SPK_ID);
    } finally {
      await slow.close();
    }
    const tooSlow = await startLocalServer(slowly(150));
    try {
      const dir = tempDir();
      await assert.rejects(run(tooSlow, dir), (e: unknown) => e instanceof ServiceError && e.failure === "timeout");
      assert.deepEqual(listing(dir), []);
    } finally {
      await tooSlow.close();
    }
  });

  it("an HTML error page is a ServiceError quoting the page (after retries for 502)", async () => {
    const page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response.</p></body></html>";
    const server = await startLocalServer((_req, res) => send(res, 502, "text/html; charset=iso-8859-1", page));
    try {
      const dir = tempDir();
      await assert.rejects(run(server, dir), (e: unknown) => e instanceof ServiceError && e.status === 502 && e.attempts === 4 && /502 Bad Gateway.*after 4 attempts/.test(e.message));
      assert.equal(server.requests.length, 4);
      assert.deepEqual(listing(dir), []);
    } finally {
      await server.close();
    }
    const ok200 = await startLocalServer((_req, res) => send(res, 200, "text/html", page));
    try {
      await assert.rejects(run(ok200, tempDir()), (e: unknown) => e instanceof ServiceError && /HTML page '502 Bad Gateway'/.test(e.message));
    } finally {
      await ok200.close();
    }
  });

  it("Horizons' error text (HTTP 400, hand-made fixture) is a ServiceError carrying it", async () => {
    const server = await startLocalServer((_req, res) => send(res, 400, "application/json", fixture("error_bad_date.json")));
    try {
      await assert.rejects(run(server, tempDir()), (e: unknown) => e instanceof ServiceError && e.status === 400 && /Cannot interpret date/.test(e.message));
      assert.equal(server.requests.length, 1, "400 is not retried");
    } finally {
      await server.close();
    }
  });

  it("truncated base64 is a TruncatedPayloadError and the previous file stays untouched", async () => {
    const answer = chironAnswerJson();
    const cut = JSON.stringify({ ...answer, spk: answer.spk.slice(0, Math.floor(answer.spk.length / 2)) });
    const server = await startLocalServer((_req, res) => send(res, 200, "application/json", cut));
    try {
      const dir = tempDir();
      writeFileSync(join(dir, "obj.bsp"), "previous kernel");
      await assert.rejects(run(server, dir), TruncatedPayloadError);
      assert.equal(server.requests.length, 2, "one payload retry");
      assert.deepEqual(listing(dir), ["obj.bsp"]);
      assert.equal(readFileSync(join(dir, "obj.bsp"), "utf8"), "previous kernel");
    } finally {
      await server.close();
    }
  });

  it("a connection closed mid-answer is retried; cut JSON is a TruncatedPayloadError", async () => {
    const body = json();
    const cutOff = (res: import("node:http").ServerResponse) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
      res.write(body.slice(0, 5000), () => res.destroy());
    };
    const flaky = await startLocalServer((_req, res, n) => (n === 0 ? cutOff(res) : send(res, 200, "application/json", body)));
    try {
      assert.equal((await run(flaky, tempDir())).meta.spkId, CHIRON_SPK_ID);
      assert.equal(flaky.requests.length, 2);
    } finally {
      await flaky.close();
    }
    // A proxy that ends the answer early without a Content-Length: incomplete JSON.
    const short = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body.slice(0, 5000));
    });
    try {
      const dir = tempDir();
      await assert.rejects(run(short, dir), (e: unknown) => e instanceof TruncatedPayloadError && /incomplete JSON/.test(e.message));
      assert.deepEqual(listing(dir), []);
    } finally {
      await short.close();
    }
  });

  it("'No matches found' for DES= falls back to the name (legacy fix); for both it is ObjectNotFound", async () => {
    const noMatch = fixture("no_matches_1999RB216.json");
    const fallback = await startLocalServer((_req, res, n) => send(res, 200, "application/json", n === 0 ? noMatch : json()));
    try {
      const r = await run(fallback, tempDir(), [], "1999 RB216");
      assert.equal(r.meta.command, "1999 RB216;");
      assert.deepEqual(fallback.requests.map((q) => q.query.COMMAND), ["'DES=1999 RB216;'", "'1999 RB216;'"]);
    } finally {
      await fallback.close();
    }
    const none = await startLocalServer((_req, res) => send(res, 200, "application/json", noMatch));
    try {
      await assert.rejects(
        run(none, tempDir(), [], "1999 RB216"),
        (e: unknown) => e instanceof ObjectNotFoundError && e.object === "1999 RB216" && e.tried.join("|") === "DES=1999 RB216;|1999 RB216;",
      );
    } finally {
      await none.close();
    }
  });

  it("a multiple-match list is an AmbiguousObjectError listing the candidates (hand-made fixture)", async () => {
    const server = await startLocalServer((_req, res) => send(res, 200, "application/json", fixture("multiple_matches_chiron.json")));
    try {
      const dir = tempDir();
      await assert.rejects(run(server, dir, [], "Chiron"), (e: unknown) => {
        assert.ok(e instanceof AmbiguousObjectError);
        assert.deepEqual(e.candidates.map((c) => c.record), ["2060", "90000915", "90000916"]);
        assert.match(e.message, /matches 3 objects: 2060 1977 UB \(Chiron\); 90000915 95P \(Chiron\) epoch 1996/);
        return true;
      });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(listing(dir), []);
    } finally {
      await server.close();
    }
  });

  it("never leaves a temporary file when the SPICE check or the write fails", async () => {
    const server = await startLocalServer((_req, res) => send(res, 200, "application/json", json()));
    try {
      const dir = tempDir();
      const disposed = await SpiceEngine.create();
      disposed.dispose();
      await assert.rejects(
        ensureHorizonsSpk({ target: { identifier: 2060 }, alias: "obj", dir, span: CHIRON_SPAN, daysToExpire: 30, source: new HorizonsClient({ baseUrl: server.origin, http: fastRetry() }), engine: disposed }),
        InvalidPayloadError,
      );
      assert.deepEqual(listing(dir), []);
      assert.ok(!existsSync(join(dir, "obj.json")));
    } finally {
      await server.close();
    }
  });
});
