/**
 * The pipelines: Orbit Trace and Predict Occultation jobs (job.json, steps, logs, resume).
 * @module jobs
 */
export * from "./orbit-trace.js";
export * from "./predict.js";
export * from "./inputs.js";
export { formatIssues, parseJobJson, readJobJson } from "./job-file.js";
