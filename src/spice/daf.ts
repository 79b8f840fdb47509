/**
 * A small reader for the DAF container used by binary SPK and PCK kernels: the file record,
 * the comment area and the segment summaries. It needs no SPICE instance, so a downloaded file
 * can be checked (complete, little-endian, which bodies, which epochs) before it is kept.
 */

/** One array (segment) of a DAF file. */
export interface DafSegment {
  /** SPK: target NAIF id. PCK: frame class id (e.g. 3000 for ITRF93). */
  body: number;
  /** SPK: centre NAIF id. PCK: base frame id. */
  center: number;
  /** SPK only: reference frame id (1 = J2000). */
  frame: number;
  /** SPK / PCK data type (2, 3, 21, ...). */
  type: number;
  startEtSeconds: number;
  endEtSeconds: number;
  /** 1-based double-precision word addresses of the array. */
  beginAddress: number;
  endAddress: number;
  name: string;
}

export interface DafFile {
  /** `DAF/SPK`, `DAF/PCK`, ... */
  idWord: string;
  nd: number;
  ni: number;
  internalName: string;
  segments: DafSegment[];
  /** The comment area as text (NUL-separated lines joined with `\n`). */
  comments: string;
}

const RECORD_BYTES = 1024;

/** Parses a DAF binary kernel. Throws a plain Error with the reason when it is not a complete DAF. */
export function readDaf(bytes: Uint8Array): DafFile {
  if (bytes.length < RECORD_BYTES) throw new Error(`too short for a DAF file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (from: number, len: number) => String.fromCharCode(...bytes.subarray(from, from + len));
  const idWord = ascii(0, 8).trim();
  if (!idWord.startsWith("DAF/") && !idWord.startsWith("NAIF/DAF")) throw new Error(`not a DAF file (id word '${idWord}')`);
  const format = ascii(88, 8);
  if (format !== "LTL-IEEE") throw new Error(`unsupported binary format '${format.trim()}' (only little-endian IEEE is read)`);
  const nd = view.getInt32(8, true);
  const ni = view.getInt32(12, true);
  const internalName = ascii(16, 60).trim();
  const forward = view.getInt32(76, true);
  const summaryDoubles = nd + Math.floor((ni + 1) / 2);
  const segments: DafSegment[] = [];
  const totalWords = bytes.length / 8;
  let record = forward;
  let guard = 0;
  while (record > 0) {
    if (++guard > 100000) throw new Error("summary record chain does not end");
    const base = (record - 1) * RECORD_BYTES;
    if (base + RECORD_BYTES > bytes.length) throw new Error(`summary record ${record} lies past the end of the file (truncated?)`);
    const next = view.getFloat64(base, true);
    const count = view.getFloat64(base + 16, true);
    for (let i = 0; i < count; i++) {
      const at = base + 24 + i * summaryDoubles * 8;
      const dc: number[] = [];
      for (let k = 0; k < nd; k++) dc.push(view.getFloat64(at + 8 * k, true));
      const ic: number[] = [];
      for (let k = 0; k < ni; k++) ic.push(view.getInt32(at + 8 * nd + 4 * k, true));
      const nameAt = base + RECORD_BYTES + i * summaryDoubles * 8;
      const beginAddress = ic[ni - 2] ?? 0;
      const endAddress = ic[ni - 1] ?? 0;
      if (endAddress > totalWords + 128) throw new Error(`segment ${i + 1} ends at word ${endAddress}, past the end of the file (${totalWords} words): truncated`);
      segments.push({
        body: ic[0] ?? 0,
        center: ic[1] ?? 0,
        frame: ni >= 6 ? (ic[2] ?? 0) : 0,
        type: ni >= 6 ? (ic[3] ?? 0) : (ic[2] ?? 0),
        startEtSeconds: dc[0] ?? NaN,
        endEtSeconds: dc[1] ?? NaN,
        beginAddress,
        endAddress,
        name: ascii(nameAt, summaryDoubles * 8).trim(),
      });
    }
    record = Math.trunc(next);
  }
  const firstSummary = forward;
  const comments: string[] = [];
  for (let r = 2; r < firstSummary; r++) {
    const chunk = bytes.subarray((r - 1) * RECORD_BYTES, (r - 1) * RECORD_BYTES + 1000);
    comments.push(String.fromCharCode(...chunk));
  }
  const text = comments.join("");
  const end = text.indexOf("\u0004");
  return {
    idWord,
    nd,
    ni,
    internalName,
    segments,
    comments: (end >= 0 ? text.slice(0, end) : text).replace(/\u0000/g, "\n"),
  };
}
