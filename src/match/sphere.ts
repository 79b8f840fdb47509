const DEG = Math.PI / 180;
const ARCSEC_PER_DEG = 3600;
const ARCSEC_PER_RAD = 180 / Math.PI * 3600;

/**
 * Great-circle separation of two directions, arcsec. Vincenty's formula (the atan2 form astropy
 * uses), accurate at every separation including 0 and 180°; NaN in, NaN out.
 */
export function separationArcsec(ra1Deg: number, dec1Deg: number, ra2Deg: number, dec2Deg: number): number {
  const dRa = (ra2Deg - ra1Deg) * DEG;
  const d1 = dec1Deg * DEG;
  const d2 = dec2Deg * DEG;
  const s1 = Math.sin(d1);
  const c1 = Math.cos(d1);
  const s2 = Math.sin(d2);
  const c2 = Math.cos(d2);
  const cdRa = Math.cos(dRa);
  const num1 = c2 * Math.sin(dRa);
  const num2 = c1 * s2 - s1 * c2 * cdRa;
  return Math.atan2(Math.sqrt(num1 * num1 + num2 * num2), s1 * s2 + c1 * c2 * cdRa) * ARCSEC_PER_RAD;
}

/** RA difference `toDeg − fromDeg` wrapped into (−180, 180] degrees, so 359.9° → 0.1° is +0.2°. */
export function wrapDeltaRaDeg(toDeg: number, fromDeg: number): number {
  const d = (((toDeg - fromDeg) % 360) + 360) % 360;
  return d > 180 ? d - 360 : d;
}

/** Observed minus computed offsets, arcsec. */
export interface OffsetArcsec {
  /** Δα·cos δ_pred, with Δα wrapped into (−180°, 180°]. */
  offsetRaArcsec: number;
  /** Δδ. */
  offsetDecArcsec: number;
}

/**
 * O−C of an observed position against a predicted one, arcsec: `Δα·cos δ_pred` (the legacy's
 * convention, with the RA 0/360 wrap the legacy missed) and `Δδ`.
 */
export function omcArcsec(observed: { raDeg: number; decDeg: number }, predicted: { raDeg: number; decDeg: number }): OffsetArcsec {
  return {
    offsetRaArcsec: wrapDeltaRaDeg(observed.raDeg, predicted.raDeg) * ARCSEC_PER_DEG * Math.cos(predicted.decDeg * DEG),
    offsetDecArcsec: (observed.decDeg - predicted.decDeg) * ARCSEC_PER_DEG,
  };
}
