import { readFileSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../../errors.js";
import { parseUtc } from "../../time/index.js";
import { pandasUtc, pyFloat } from "./consolidate.js";
import type { CcdInput } from "./trace.js";

/** Columns a ccds.csv must have (others are ignored). */
export const CCD_CSV_COLUMNS = ["id", "date_obs", "exptime", "path", "filename"] as const;

const ccdRowSchema = z.object({
  id: z
    .string()
    .trim()
    .regex(/^\d+$/, "expected a non-negative integer (des_ccd.id)")
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), "too large"),
  date_obs: z
    .string()
    .trim()
    .refine((s) => {
      try {
        parseUtc(s);
        return true;
      } catch {
        return false;
      }
    }, "expected a UTC time like 2013-10-29 03:46:32.731567+00:00"),
  exptime: z
    .string()
    .trim()
    .transform(Number)
    .refine((n) => Number.isFinite(n) && n >= 0, "expected exposure seconds >= 0"),
  path: z.string(),
  filename: z.string().trim().min(1, "empty file name"),
});

/** Most row errors listed in one message. */
const MAX_LISTED_ERRORS = 20;

/**
 * Parses a ccds.csv: header with at least `id, date_obs, exptime, path, filename` (any order,
 * any case), `;` or `,` separated (the legacy wrote `;` and CRLF). Throws an {@link InputError}
 * listing every bad row and column (line numbers are 1-based, the header is line 1), and for
 * a CCD id given twice.
 */
export function parseCcdsCsv(text: string, source: string): CcdInput[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  const header = lines[0] ?? "";
  if (header.trim() === "") throw new InputError(`${source}: empty file (a header ${CCD_CSV_COLUMNS.join(",")} is expected)`);
  const sep = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ";" : ",";
  const names = header.split(sep).map((h) => h.trim().replace(/^"|"$/g, "").toLowerCase());
  const missing = CCD_CSV_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length) throw new InputError(`${source}: missing column(s) ${missing.join(", ")} (header: ${names.join(", ")})`);
  const idx = Object.fromEntries(CCD_CSV_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<(typeof CCD_CSV_COLUMNS)[number], number>;

  const out: CcdInput[] = [];
  const errors: string[] = [];
  const seen = new Map<number, number>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const cells = line.split(sep).map((c) => c.replace(/^"|"$/g, ""));
    const raw = Object.fromEntries(CCD_CSV_COLUMNS.map((c) => [c, cells[idx[c]] ?? ""]));
    const r = ccdRowSchema.safeParse(raw);
    if (!r.success) {
      for (const issue of r.error.issues) errors.push(`line ${i + 1}, column ${issue.path.join(".")} (${JSON.stringify(raw[String(issue.path[0])])}): ${issue.message}`);
      continue;
    }
    const first = seen.get(r.data.id);
    if (first !== undefined) {
      errors.push(`line ${i + 1}, column id (${r.data.id}): CCD already given on line ${first}`);
      continue;
    }
    seen.set(r.data.id, i + 1);
    out.push({ id: r.data.id, dateObsUtc: r.data.date_obs, exptimeS: r.data.exptime, path: r.data.path, filename: r.data.filename });
  }
  if (errors.length) {
    const listed = errors.slice(0, MAX_LISTED_ERRORS).map((e) => `  ${e}`).join("\n");
    throw new InputError(`${source}: ${errors.length} bad value(s):\n${listed}${errors.length > MAX_LISTED_ERRORS ? `\n  … and ${errors.length - MAX_LISTED_ERRORS} more` : ""}`);
  }
  return out;
}

/** Reads a ccds.csv (see {@link parseCcdsCsv}). */
export function readCcdsCsv(file: string): CcdInput[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (e as Error).message}`);
  }
  return parseCcdsCsv(text, file);
}

/** The job's ccds.csv (legacy §2.3: `id;date_obs;exptime;path;filename`, CRLF). */
export function ccdsCsv(ccds: readonly CcdInput[]): string {
  const rows = ccds.map((c) => [String(c.id), pandasUtc(c.dateObsUtc), pyFloat(c.exptimeS), c.path, c.filename].join(";"));
  return `${["id;date_obs;exptime;path;filename", ...rows].join("\r\n")}\r\n`;
}
