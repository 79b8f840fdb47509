/**
 * AstDyS and MPC downloads against a local server replaying the shared orbit files
 * (orbits/chiron_astdys.eq0, chiron_astdys.rwo, mpc_observations_12893_json_astroquery.dat).
 * No test reaches the internet.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AstDysClient, MpcClient, ObjectNotFoundError, ServiceError, createHttpFetcher, ensureOrbitFiles, parseMpc80 } from "../src/external/index.js";
import { dataPath } from "./helpers/data.js";
import { send, startLocalServer, type LocalServer } from "./helpers/http-server.js";

const read = (name: string) => readFileSync(dataPath("orbits", name), "utf8");
const fastHttp = () => createHttpFetcher({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 }, timeoutMs: 2000 });

let server: LocalServer;
let astdysDown = false;
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tno-orbits-"));
  dirs.push(d);
  return d;
}

before(async () => {
  server = await startLocalServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    if (u.pathname.startsWith("/astdys/")) {
      if (astdysDown) return send(res, 200, "text/html", "<html><head><title>AstDyS-2 maintenance</title></head><body>back soon</body></html>");
      const files: Record<string, string> = {
        "/astdys/epoch/numbered/2/2060.eq0": "chiron_astdys.eq0",
        "/astdys/mpcobs/numbered/2/2060.rwo": "chiron_astdys.rwo",
        "/astdys/epoch/numbered/137/137295.eq0": "1999RB216_astdys.eq0",
      };
      const f = files[u.pathname];
      return f ? send(res, 200, "text/plain", read(f)) : send(res, 404, "text/html", "<html><title>404 Not Found</title></html>");
    }
    if (u.pathname === "/mpc/search_db") {
      if (u.searchParams.get("number") === "12893" && u.searchParams.get("table") === "observations") return send(res, 200, "application/json", read("mpc_observations_12893_json_astroquery.dat"));
      return send(res, 200, "application/json", "[]");
    }
    send(res, 404, "text/plain", "not found");
  });
});
after(async () => {
  await server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const clients = () => ({
  astdys: new AstDysClient({ baseUrl: `${server.origin}/astdys`, http: fastHttp() }),
  mpc: new MpcClient({ baseUrl: `${server.origin}/mpc/search_db`, http: fastHttp() }),
});

describe("AstDyS and MPC clients", () => {
  it("AstDyS .eq0 and .rwo by number, parsed; unknown objects are ObjectNotFound", async () => {
    const { astdys } = clients();
    const eq0 = await astdys.fetchEq0(2060);
    assert.equal(eq0.url, `${server.origin}/astdys/epoch/numbered/2/2060.eq0`);
    assert.equal(eq0.parsed.name, "2060");
    assert.equal(eq0.parsed.epochMjdTdb, 57016.844859206);
    const rwo = await astdys.fetchRwo("2060");
    assert.equal(rwo.parsed.observations.length, 4009);
    await assert.rejects(astdys.fetchRwo(137295), ObjectNotFoundError);
  });

  it("MPC observations JSON by number; written as 80-column records", async () => {
    const { mpc } = clients();
    const r = await mpc.fetchObservations(12893);
    assert.equal(r.parsed.length, 1401);
    const lines = r.text.trimEnd().split("\n");
    assert.equal(lines.length, 1401 + 14, "14 satellite observations carry a second line");
    assert.ok(lines.every((l) => l.length === 80));
    assert.equal(parseMpc80(lines[0]!).obsCode, "413");
    const q = server.requests.at(-1)!.query;
    assert.deepEqual([q.table, q.object_type, q.number], ["observations", "M", "12893"]);
    await assert.rejects(mpc.fetchObservations(99999999), ObjectNotFoundError);
  });
});

describe("ensureOrbitFiles", () => {
  it("AstDyS first: writes <name>.eq0 and .rwo, reuses them within 30 days, refreshes when stale", async () => {
    const dir = tempDir();
    const first = await ensureOrbitFiles({ name: 2060, dir, ...clients() });
    assert.equal(first.elements?.source, "AstDyS");
    assert.equal(first.observations?.source, "AstDyS");
    assert.equal(first.observations?.count, 4009);
    assert.deepEqual(readdirSync(dir).sort(), ["2060.eq0", "2060.rwo"]);
    assert.equal(readFileSync(join(dir, "2060.eq0"), "utf8"), read("chiron_astdys.eq0"));

    const n0 = server.requests.length;
    const second = await ensureOrbitFiles({ name: 2060, dir, ...clients() });
    assert.ok(second.elements?.reused && second.observations?.reused);
    assert.equal(server.requests.length, n0, "fresh files make no request");

    const old = (Date.now() - 31 * 86400e3) / 1000;
    utimesSync(join(dir, "2060.rwo"), old, old);
    const third = await ensureOrbitFiles({ name: 2060, dir, ...clients() });
    assert.equal(third.elements?.reused, true);
    assert.equal(third.observations?.reused, false);
    assert.equal(server.requests.length, n0 + 1);

    // Offline: files on disk are used whatever their age, and nothing is requested.
    utimesSync(join(dir, "2060.eq0"), old, old);
    const offline = await ensureOrbitFiles({ name: 2060, dir, offline: true });
    assert.ok(offline.elements?.reused && offline.observations?.reused);
    assert.equal(server.requests.length, n0 + 1);
  });

  it("falls back to the MPC when AstDyS has no observations (.rwm), and notes why", async () => {
    const dir = tempDir();
    const r = await ensureOrbitFiles({ name: 12893, dir, ...clients() });
    assert.equal(r.elements, undefined);
    assert.equal(r.observations?.source, "MPC");
    assert.equal(r.observations?.count, 1401);
    assert.deepEqual(readdirSync(dir), ["12893.rwm"]);
    assert.equal(r.notes.length, 2);
    assert.match(r.notes[0]!, /AstDyS elements: .*no object matches '12893'/);
    // Reused from disk (1401 records, satellite second lines not counted).
    const again = await ensureOrbitFiles({ name: 12893, dir, ...clients() });
    assert.equal(again.observations?.reused, true);
    assert.equal(again.observations?.count, 1401);
  });

  it("an AstDyS HTML maintenance page is a ServiceError, noted, and the MPC is asked instead", async () => {
    astdysDown = true;
    try {
      await assert.rejects(clients().astdys.fetchEq0(2060), (e: unknown) => e instanceof ServiceError && /AstDyS-2 maintenance/.test(e.message));
      const dir = tempDir();
      const r = await ensureOrbitFiles({ name: 12893, dir, ...clients() });
      assert.equal(r.observations?.source, "MPC");
      assert.match(r.notes.join("\n"), /maintenance/);
    } finally {
      astdysDown = false;
    }
  });
});
