import { readFileSync } from "node:fs";
import { readDaf } from "./daf.js";
import { KernelError } from "./errors.js";

/** NAIF ids of the planetary system, which a small-body SPK also carries (e.g. its Sun centre). */
const MAJOR_BODY_MAX_ID = 1_000_000;

/**
 * The NAIF id of the small body in an SPK, read from the file's segments (never derived from
 * a name or a number: Horizons writes 2000000+N in older files, 20000000+N in newer ones).
 * Throws a {@link KernelError} naming the file if it holds no small body or more than one.
 */
export function smallBodyIdOfSpk(path: string): number {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new KernelError(path, (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message);
  }
  let ids: number[];
  try {
    const daf = readDaf(bytes);
    if (!daf.idWord.startsWith("DAF/SPK")) throw new Error(`not an SPK (${daf.idWord})`);
    ids = [...new Set(daf.segments.map((s) => s.body))].filter((id) => Math.abs(id) >= MAJOR_BODY_MAX_ID);
  } catch (e) {
    throw new KernelError(path, (e as Error).message);
  }
  if (ids.length === 0) throw new KernelError(path, "holds no small body (every segment is a planet, a satellite or the Sun)");
  if (ids.length > 1) throw new KernelError(path, `holds several small bodies (${ids.join(", ")}); name the target id`);
  return ids[0]!;
}

/** The `Target SPK ID` written by Horizons in the comment area, when present. */
export function horizonsSpkIdComment(comments: string): number | undefined {
  const m = /(?:Target\s+SPK\s+ID\s*:|ASTEROID_SPK_ID\s*=)\s*(-?\d+)/.exec(comments);
  return m ? Number(m[1]) : undefined;
}
