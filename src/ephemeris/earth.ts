import type { SpiceEngine } from "../spice/engine.js";
import { SpiceError, toSpiceError } from "../spice/errors.js";

/** Body-fixed Earth frame used to place an observer at an epoch. */
export type EarthFrame = "ITRF93" | "IAU_EARTH";

/** NAIF frame class id of ITRF93 in the high-precision binary Earth PCKs. */
const ITRF93_CLASS_ID = 3000;

/**
 * Chooses the Earth orientation per epoch: the ITRF93 binary PCK where a loaded one covers the
 * epoch (precession, nutation, UT1 and polar motion from IERS data), otherwise the IAU_EARTH
 * model of the text PCK (a linear pole and prime-meridian model: the site lands 4.6 to 6.8 km
 * from its ITRF93 place over 2001-2020, i.e. up to 10 mas of parallax at 1 au and 0.25 mas at
 * 40 au).
 */
export class EarthOrientation {
  private readonly itrfCoverage: Array<[number, number]>;
  private readonly hasIauEarth: boolean;

  constructor(private readonly engine: SpiceEngine) {
    this.itrfCoverage = engine
      .kernels()
      .filter((k) => k.kind === "PCK")
      .flatMap((k) => k.segments.filter((s) => s.body === ITRF93_CLASS_ID).map((s): [number, number] => [s.startEtSeconds, s.endEtSeconds]));
    const pole = engine.raw.gdpool("BODY399_POLE_RA", 0, 3);
    this.hasIauEarth = pole.found;
  }

  /** The frame that will be used at `etSeconds`, or throws naming the kernels to load. */
  frameAt(etSeconds: number): EarthFrame {
    if (this.itrfCoverage.some(([a, b]) => etSeconds >= a && etSeconds <= b)) return "ITRF93";
    if (this.hasIauEarth) return "IAU_EARTH";
    throw new SpiceError(
      "earth-orientation",
      "SPICE(NOEARTHORIENTATION)",
      "a topocentric observer needs an Earth orientation: load a binary Earth PCK (earth_*.bpc) covering the epoch, or a text PCK (pck00010.tpc)",
      { etSeconds },
    );
  }

  /** Row-major 3x3 rotation from the body-fixed Earth frame to J2000 at `etSeconds`. */
  toJ2000(etSeconds: number): { matrix: number[]; frame: EarthFrame } {
    const frame = this.frameAt(etSeconds);
    try {
      return { matrix: this.engine.raw.pxform(frame, "J2000", etSeconds) as unknown as number[], frame };
    } catch (e) {
      throw toSpiceError("pxform", e, { body: 399, etSeconds });
    }
  }
}

/** Earth's rotation rate (rad/s), for the velocity of a site fixed on the Earth. */
export const EARTH_ROTATION_RAD_PER_S = 7.292115146706979e-5;
