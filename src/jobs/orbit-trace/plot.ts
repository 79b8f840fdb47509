import type { ObservationRow } from "../../db/observations.js";

/** What an O−C plot of one asteroid shows. */
export interface OmcPlotInput {
  name: string;
  observations: readonly ObservationRow[];
  /** The job's match radius, drawn as a circle on the offset panel. */
  matchRadiusArcsec: number;
}

const W = 900;
const H = 420;
const PANEL = { top: 56, bottom: 56, left: 64, gap: 72 };

/**
 * An SVG of one asteroid's DES O−C: the offsets on the sky (ΔRA·cos δ against ΔDec, with the
 * match radius and the mean) and both offsets against time. An orbit error shows as a drift
 * or a yearly wave on the right, astrometric noise as the scatter on the left.
 */
export function omcPlotSvg(input: OmcPlotInput): string {
  const rows = input.observations.filter((o) => o.offsetRaArcsec !== null && o.offsetDecArcsec !== null);
  const dra = rows.map((o) => o.offsetRaArcsec!);
  const ddec = rows.map((o) => o.offsetDecArcsec!);
  const years = rows.map((o) => 2000 + (o.dateJd - 2451545.0) / 365.25);
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
  const sd = (v: number[]) => (v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)) : 0);

  // Left panel: square, symmetric about zero, scaled to the data (the match radius is drawn
  // when it fits: it is usually far wider than the scatter).
  const size = H - PANEL.top - PANEL.bottom;
  const lim = niceCeil(Math.max(0.05, ...dra.map(Math.abs), ...ddec.map(Math.abs)) * 1.1);
  const x0 = PANEL.left;
  const sx = (v: number) => x0 + ((v + lim) / (2 * lim)) * size;
  const sy = (v: number) => PANEL.top + ((lim - v) / (2 * lim)) * size;

  // Right panel: time on x, both offsets on a shared y.
  const rx0 = x0 + size + PANEL.gap;
  const rw = W - rx0 - 24;
  const [t0, t1] = years.length ? [Math.min(...years), Math.max(...years)] : [2013, 2019];
  const tPad = Math.max((t1 - t0) * 0.05, 0.05);
  const tx = (t: number) => rx0 + ((t - (t0 - tPad)) / (t1 - t0 + 2 * tPad)) * rw;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${x0}" y="24" font-size="16" font-weight="bold">${escapeXml(input.name)}: DES O−C (${rows.length} observations)</text>`,
    `<text x="${x0}" y="42" fill="#444">mean ΔRA·cosδ ${fmt(mean(dra))}″ ± ${fmt(sd(dra))}″, ΔDec ${fmt(mean(ddec))}″ ± ${fmt(sd(ddec))}″; match radius ${input.matchRadiusArcsec}″</text>`,
  );
  // Left axes, grid and radius circle.
  parts.push(`<rect x="${x0}" y="${PANEL.top}" width="${size}" height="${size}" fill="none" stroke="#888"/>`);
  parts.push(`<line x1="${sx(0)}" y1="${PANEL.top}" x2="${sx(0)}" y2="${PANEL.top + size}" stroke="#ddd"/><line x1="${x0}" y1="${sy(0)}" x2="${x0 + size}" y2="${sy(0)}" stroke="#ddd"/>`);
  if (input.matchRadiusArcsec <= lim) {
    const rpx = (input.matchRadiusArcsec / (2 * lim)) * size;
    parts.push(`<circle cx="${sx(0)}" cy="${sy(0)}" r="${rpx.toFixed(1)}" fill="none" stroke="#c33" stroke-dasharray="4 3"/>`);
  }
  for (let i = 0; i < rows.length; i++) parts.push(`<circle cx="${sx(dra[i]!).toFixed(1)}" cy="${sy(ddec[i]!).toFixed(1)}" r="3" fill="#1f5fa8" fill-opacity="0.75"/>`);
  if (rows.length) parts.push(`<path d="M${sx(mean(dra)) - 6},${sy(mean(ddec))}h12M${sx(mean(dra))},${sy(mean(ddec)) - 6}v12" stroke="#000" stroke-width="2"/>`);
  parts.push(
    `<text x="${x0 + size / 2}" y="${H - 18}" text-anchor="middle">ΔRA·cos δ (arcsec)</text>`,
    `<text transform="translate(18 ${PANEL.top + size / 2}) rotate(-90)" text-anchor="middle">ΔDec (arcsec)</text>`,
    `<text x="${x0}" y="${PANEL.top + size + 16}" text-anchor="middle" fill="#555">${-lim}</text><text x="${x0 + size}" y="${PANEL.top + size + 16}" text-anchor="middle" fill="#555">${lim}</text>`,
    `<text x="${x0 - 6}" y="${PANEL.top + 4}" text-anchor="end" fill="#555">${lim}</text><text x="${x0 - 6}" y="${PANEL.top + size}" text-anchor="end" fill="#555">${-lim}</text>`,
  );
  // Right panel.
  parts.push(`<rect x="${rx0}" y="${PANEL.top}" width="${rw}" height="${size}" fill="none" stroke="#888"/>`);
  parts.push(`<line x1="${rx0}" y1="${sy(0)}" x2="${rx0 + rw}" y2="${sy(0)}" stroke="#ddd"/>`);
  parts.push(
    `<text x="${rx0 - 6}" y="${PANEL.top + 4}" text-anchor="end" fill="#555">${lim}</text><text x="${rx0 - 6}" y="${sy(0) + 4}" text-anchor="end" fill="#555">0</text><text x="${rx0 - 6}" y="${PANEL.top + size}" text-anchor="end" fill="#555">${-lim}</text>`,
    `<text transform="translate(${rx0 - 40} ${PANEL.top + size / 2}) rotate(-90)" text-anchor="middle">O−C (arcsec)</text>`,
  );
  for (let y = Math.ceil(t0 - tPad); y <= t1 + tPad; y++) {
    parts.push(`<line x1="${tx(y).toFixed(1)}" y1="${PANEL.top}" x2="${tx(y).toFixed(1)}" y2="${PANEL.top + size}" stroke="#eee"/><text x="${tx(y).toFixed(1)}" y="${PANEL.top + size + 16}" text-anchor="middle" fill="#555">${y}</text>`);
  }
  for (let i = 0; i < rows.length; i++) {
    parts.push(`<circle cx="${tx(years[i]!).toFixed(1)}" cy="${sy(dra[i]!).toFixed(1)}" r="3" fill="#1f5fa8" fill-opacity="0.75"/>`);
    parts.push(`<rect x="${(tx(years[i]!) - 2.5).toFixed(1)}" y="${(sy(ddec[i]!) - 2.5).toFixed(1)}" width="5" height="5" fill="#d9822b" fill-opacity="0.8"/>`);
  }
  parts.push(
    `<text x="${rx0 + rw / 2}" y="${H - 18}" text-anchor="middle">mid-exposure (year)</text>`,
    `<circle cx="${rx0 + 10}" cy="${PANEL.top + 12}" r="3" fill="#1f5fa8"/><text x="${rx0 + 18}" y="${PANEL.top + 16}">ΔRA·cos δ</text>`,
    `<rect x="${rx0 + 87.5}" y="${PANEL.top + 9.5}" width="5" height="5" fill="#d9822b"/><text x="${rx0 + 98}" y="${PANEL.top + 16}">ΔDec</text>`,
    `</svg>`,
  );
  return `${parts.join("\n")}\n`;
}

function niceCeil(v: number): number {
  const steps = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5];
  const p = 10 ** Math.floor(Math.log10(v));
  for (const s of steps) if (s * p * 10 >= v) return Number((s * p * 10).toPrecision(3));
  return Number((p * 10).toPrecision(3));
}

function fmt(v: number): string {
  return v.toFixed(3);
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}
