import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadLand, renderOccultationMapSvg, renderPng } from "../src/occultation/map.js";
import { computeShadowPath, unitFromRaDec, type ShadowModel, type Vec3 } from "../src/occultation/shadow.js";

/** Map positions are written with 1 decimal (px). */
const PIXEL_TOLERANCE = 0.06;

const DEG = Math.PI / 180;
const starRaDeg = 60;
const starDecDeg = -30;
const s = unitFromRaDec(starRaDeg, starDecDeg);
const east: Vec3 = [-Math.sin(starRaDeg * DEG), Math.cos(starRaDeg * DEG), 0];
const t0 = 5000;
const model: ShadowModel = {
  starUnit: s,
  objectState: (et) => ({
    positionKm: [0, 1, 2].map((i) => s[i]! * 2e9 - east[i]! * 20 * (et - t0)) as unknown as Vec3,
    velocityKmS: [-east[0] * 20, -east[1] * 20, 0],
  }),
  earthFixedFromJ2000: () => [1, 0, 0, 0, 1, 0, 0, 0, 1],
  sunPositionKm: () => [-s[0] * 1.5e8, -s[1] * 1.5e8, -s[2] * 1.5e8],
  etMinusUtcSeconds: 69.184,
};
const path = computeShadowPath(model, { centralEtSeconds: t0, diameterKm: 300, uncertaintyKm: 80 });
const info = { objectName: "Test <object> & co", starCatalog: "Gaia DR3", starSourceId: "6760223758801661440", gMag: 14.2, closestApproachUtc: "2000-01-01T13:22:10.0" };
const land = loadLand("110m");

function circles(svg: string, r: string): Array<[number, number]> {
  return [...svg.matchAll(new RegExp(`<circle cx="([-\\d.]+)" cy="([-\\d.]+)" r="${r}"`, "g"))].map((m) => [Number(m[1]), Number(m[2])]);
}

describe("occultation map (SVG)", () => {
  it("loads Natural Earth land from world-atlas", () => {
    assert.equal(land.type, "FeatureCollection");
    assert.ok(JSON.stringify(land).length > 50_000);
  });

  it("centres the orthographic globe on the C/A point and draws every element", () => {
    const svg = renderOccultationMapSvg(path, info, { land });
    assert.ok(svg.startsWith("<svg ") && svg.trimEnd().endsWith("</svg>"));
    assert.match(svg, /width="1000" height="1234"/);
    const [ca] = circles(svg, "7.5");
    assert.ok(ca, "big dot at the geocentric C/A");
    assert.ok(Math.abs(ca[0] - 500) < PIXEL_TOLERANCE && Math.abs(ca[1] - (150 + 500)) < PIXEL_TOLERANCE, `C/A at ${ca}`);
    // One dot per minute over the whole track (~10 min across the disc at 20 km/s), all on the globe.
    const ticks = circles(svg, "3.2").slice(0, -1); // the last one is the legend's
    assert.equal(ticks.length, path.ticks.length);
    assert.ok(ticks.length >= 9);
    for (const [x, y] of ticks) assert.ok(Math.hypot(x - 500, y - 650) <= 480 + PIXEL_TOLERANCE);
    // Westward motion seen from the star: time increases to the left (west is left on the map).
    assert.ok(ticks[0]![0] > ticks.at(-1)![0]);
    assert.equal((svg.match(/stroke-dasharray="9 6"/g) ?? []).length, 2 + 1); // two limits + legend
    assert.match(svg, /Test &lt;object&gt; &amp; co occults Gaia DR3 6760223758801661440/);
    assert.match(svg, /body limits \(Ø 300 km\)/);
    assert.ok(!svg.includes("NaN"));
  });

  it("draws an equirectangular world map on request", () => {
    const svg = renderOccultationMapSvg(path, info, { land, projection: "equirectangular" });
    assert.match(svg, /width="1000" height="734"/);
    const [ca] = circles(svg, "7.5");
    // Centred on the C/A longitude; latitude at scale 1000/2π px per radian.
    const latDeg = path.closestApproachPoint!.latDeg;
    assert.ok(Math.abs(ca![0] - 500) < PIXEL_TOLERANCE);
    assert.ok(Math.abs(ca![1] - (150 + 250 - (latDeg * DEG * 1000) / (2 * Math.PI))) < PIXEL_TOLERANCE);
  });

  it("omits the dashed limits without an uncertainty", () => {
    const bare = computeShadowPath(model, { centralEtSeconds: t0, diameterKm: 300 });
    const svg = renderOccultationMapSvg(bare, info, { land });
    assert.ok(!svg.includes('stroke-dasharray="9 6"'));
  });

  it("still draws the globe and title when the shadow misses the Earth", () => {
    const far: ShadowModel = {
      ...model,
      objectState: (et) => {
        const st = model.objectState(et);
        return { ...st, positionKm: [st.positionKm[0], st.positionKm[1], st.positionKm[2] + 9000] };
      },
    };
    const missed = computeShadowPath(far, { centralEtSeconds: t0, diameterKm: 300 });
    const svg = renderOccultationMapSvg(missed, info, { land });
    assert.equal(circles(svg, "7.5").length, 1); // the legend's only
    assert.ok(!svg.includes("NaN"));
    assert.match(svg, /C\/A \d+ km/);
  });

  it("renders a PNG of the SVG's size", async () => {
    const png = await renderPng(renderOccultationMapSvg(path, info, { land, widthPx: 400 }));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    assert.equal(view.getUint32(16), 400);
    assert.equal(view.getUint32(20), 400 + 150 + 84);
  });
});
