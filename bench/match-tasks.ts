/** Task kinds for bench/match.bench.ts: read one or more CCD catalogues and match one prediction each. */
import { readDesCatalog } from "../src/catalog/index.js";
import { defineTasks } from "../src/executors/index.js";
import { observedPositions } from "../src/match/index.js";

export interface MatchCcdPayload {
  ccds: Array<{ path: string; ccdId: number; raDeg: number; decDeg: number }>;
  radiusArcsec: number;
}

export const tasks = defineTasks({
  "bench/match-ccds": (p: MatchCcdPayload) => {
    let matched = 0;
    let checksum = 0;
    for (const c of p.ccds) {
      const [m] = observedPositions(readDesCatalog(c.path), [c], p.radiusArcsec);
      if (m) {
        matched++;
        checksum += m.index;
      }
    }
    return { matched, checksum };
  },
});
