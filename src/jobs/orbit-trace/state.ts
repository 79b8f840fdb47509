import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { AsteroidOutcome } from "./consolidate.js";
import type { OrbitTraceJob } from "./job.js";

/** Per-job resume file: one JSON line per asteroid whose outcome is final. */
export const STATE_FILE = "orbit_trace_state.jsonl";

/** Outcomes kept across runs; failures are retried by the next run (the cause may be fixed). */
const FINAL_STATUSES = new Set(["success", "no observations"]);

/** Fingerprint of the inputs that decide a job's results; a changed job starts afresh. */
export function jobInputsHash(job: OrbitTraceJob, catalogRoot: string): string {
  const inputs = {
    planetary: job.bsp_planetary,
    lsk: job.leap_seconds,
    extra: job.extra_kernels,
    period: job.period,
    location: job.observatory_location,
    radius: job.match_radius,
    filter: [job.filter_type, job.filter_value],
    catalogRoot,
  };
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
}

interface HeaderLine {
  kind: "header";
  inputs: string;
  created: string;
}
interface OutcomeLine {
  kind: "asteroid";
  outcome: AsteroidOutcome;
}

/**
 * The resume state of a job directory. Lines are appended and fsync'd only after the asteroid's
 * observations are committed, so a killed run (even `kill -9`) loses at most work that the next
 * run redoes; a torn last line is ignored.
 */
export class JobState {
  private readonly file: string;
  private readonly done = new Map<number, AsteroidOutcome>();
  /** True when a previous run's state was found and kept. */
  readonly resumed: boolean;
  /** Why an existing state file was discarded, if it was. */
  readonly discarded?: string;

  constructor(jobDir: string, inputsHash: string) {
    this.file = join(jobDir, STATE_FILE);
    let resumed = false;
    let discarded: string | undefined;
    if (existsSync(this.file)) {
      const lines = readFileSync(this.file, "utf8").split("\n").filter((l) => l.trim() !== "");
      const parsed: Array<HeaderLine | OutcomeLine> = [];
      for (const l of lines) {
        try {
          parsed.push(JSON.parse(l) as HeaderLine | OutcomeLine);
        } catch {
          // A torn write from a killed run: everything after it is unreliable.
          break;
        }
      }
      const header = parsed[0];
      if (header?.kind === "header" && header.inputs === inputsHash) {
        for (const p of parsed.slice(1)) if (p.kind === "asteroid" && FINAL_STATUSES.has(p.outcome.status)) this.done.set(p.outcome.id, p.outcome);
        resumed = true;
      } else {
        discarded = header?.kind === "header" ? "the job inputs changed since the previous run" : "unreadable state file";
      }
    }
    this.resumed = resumed;
    if (discarded !== undefined) this.discarded = discarded;
    // Rewrite (atomically) without any torn tail, so later appends start on a clean line.
    const header: HeaderLine = { kind: "header", inputs: inputsHash, created: new Date().toISOString() };
    const text = [header, ...[...this.done.values()].map((outcome): OutcomeLine => ({ kind: "asteroid", outcome }))].map(jsonLine).join("");
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }

  /** Outcome of an asteroid finished by a previous run, if any. */
  finished(asteroidId: number): AsteroidOutcome | undefined {
    return this.done.get(asteroidId);
  }

  /** Records an asteroid whose results are committed. */
  record(outcome: AsteroidOutcome): void {
    if (FINAL_STATUSES.has(outcome.status)) this.done.set(outcome.id, outcome);
    this.append({ kind: "asteroid", outcome });
  }

  private append(line: HeaderLine | OutcomeLine): void {
    const fd = openSync(this.file, "a");
    try {
      writeSync(fd, jsonLine(line));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

function jsonLine(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : typeof v === "bigint" ? Number(v) : v))}\n`;
}
