/**
 * Orbit Trace: DES observations of known asteroids and TNOs. Pure steps (job validation,
 * per-asteroid trace, consolidation) and the runners (job directory, direct mode).
 */
export {
  asteroidAlias,
  jobPath,
  JOB_FILE,
  ORBIT_TRACE_DEFAULTS,
  orbitTraceJobSchema,
  parseOrbitTraceJob,
  readOrbitTraceJob,
  writeJobFile,
  type OrbitTraceJob,
  type TimeProfileEntry,
} from "./orbit-trace/job.js";
export { traceAsteroid, NO_MATCH_INFO, type CcdInput, type CcdTrace, type TraceRequest, type TraceResult } from "./orbit-trace/trace.js";
export {
  classifyTrace,
  desObsCsv,
  DES_OBS_COLUMNS,
  jobCounts,
  pandasUtc,
  pyFloat,
  resultRows,
  resultsCsv,
  RESULTS_COLUMNS,
  RESULT_STATUS_CODE,
  type AsteroidOutcome,
  type AsteroidStatus,
  type JobCounts,
} from "./orbit-trace/consolidate.js";
export { ccdsCsv, parseCcdsCsv, readCcdsCsv, CCD_CSV_COLUMNS } from "./orbit-trace/ccds.js";
export { builtinEarthPckPath, IAU_EARTH_TEXT_PCK, loadTraceKernels, type TraceKernels } from "./orbit-trace/kernels.js";
export { runDirectTrace, resolveTarget as resolveDirectTarget, type DirectTraceOptions, type DirectTraceResult } from "./orbit-trace/direct.js";
export { JobLog, naturalDelta, timedeltaString } from "./orbit-trace/log.js";
export { stderrProgress, silentProgress, type ProgressSink } from "./orbit-trace/progress.js";
export { runOrbitTraceJob, DONE_LINE, LOG_FILE, DEFAULT_CCDS_PER_TASK, type RunOrbitTraceOptions, type RunOrbitTraceReport, type RunStatus } from "./orbit-trace/runner.js";
export { JobState, STATE_FILE, jobInputsHash } from "./orbit-trace/state.js";
export { TRACE_TASK, type TraceTaskPayload } from "./orbit-trace/tasks.js";
export { omcPlotSvg, type OmcPlotInput } from "./orbit-trace/plot.js";
