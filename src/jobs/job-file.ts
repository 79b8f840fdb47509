import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { z } from "zod";
import { InputError } from "../errors.js";

/** Lists every issue of a failed parse, one per line, naming the field. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`).join("\n");
}

/** Validates parsed job JSON against `schema`; an {@link InputError} lists every bad field. */
export function parseJobJson<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new InputError(`${source}: ${r.error.issues.length} bad field(s):\n${formatIssues(r.error)}`);
  return r.data;
}

/** Reads `<jobDir>/<fileName>` and validates it; a missing, non-JSON or invalid file is an {@link InputError} (exit 2). */
export function readJobJson<S extends z.ZodType>(schema: S, jobDir: string, fileName = "job.json"): z.output<S> {
  const file = join(jobDir, fileName);
  if (!existsSync(file)) throw new InputError(`${file}: no job file (a job directory holds ${fileName})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  return parseJobJson(schema, raw, file);
}

/** Resolves a path of the job file against the job directory. */
export function jobPath(jobDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(jobDir, p);
}
