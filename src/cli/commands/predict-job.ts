import { z } from "zod";
import { runPredictJob } from "../../jobs/predict/runner.js";
import { stderrProgress } from "../../jobs/orbit-trace/progress.js";
import { EXIT_FAILED, InputError } from "../errors.js";
import { withStopSignals } from "../signals.js";

const jobSchema = z.object({
  db: z.string().min(1).optional(),
  databaseUrl: z.string().min(1).optional(),
  workers: z.coerce.number().int().min(0, "--workers must be 0 (in process) or more").optional(),
  offline: z.boolean().optional(),
});

const DIRECT_ONLY = ["target", "kernels", "start", "end", "stars", "starEpoch", "release", "searchRadius", "magLimit", "diameter", "objectMag", "name", "out"];

/** `tno predict <jobdir>`: runs the job.json there (database from --db / --database-url / $TNO_DATABASE_URL). */
export async function runPredictCommand(jobdir: string, raw: Record<string, unknown>): Promise<void> {
  const directOnly = DIRECT_ONLY.filter((k) => raw[k] !== undefined);
  if (directOnly.length) throw new InputError(`job mode: ${directOnly.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")} belong(s) to the direct mode (--target)`);
  const opts = jobSchema.parse(raw);
  if (opts.db !== undefined && opts.databaseUrl !== undefined) throw new InputError("give either --db (PGlite folder) or --database-url (PostgreSQL), not both");
  await withStopSignals(async (signal) => {
    const report = await runPredictJob({
      jobDir: jobdir,
      ...(opts.databaseUrl !== undefined ? { database: { url: opts.databaseUrl } } : opts.db !== undefined ? { database: { dir: opts.db } } : {}),
      ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
      ...(opts.offline ? { offline: true } : {}),
      progress: stderrProgress(),
      signal,
    });
    const failed = report.objects.filter((o) => o.status === "failure").length;
    process.stdout.write(
      `${report.status}: ${report.objects.length} object(s), ${report.events} event(s), ${failed} failure(s)` +
        `${report.resumed ? ` (${report.resumed} kept from a previous run)` : ""} in ${report.execTimeS.toFixed(1)} s\n${report.error ? `error: ${report.error}\n` : ""}`,
    );
    if (report.status !== "Completed" || failed > 0) process.exitCode = EXIT_FAILED;
  });
}
