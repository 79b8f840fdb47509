/**
 * Predict Occultation: the direct mode (one object, no database), the job runner
 * (`tno predict <jobdir>`), the per-object step and the star catalogue queries.
 */
export { runDirectPredict, type DirectPredictOptions, type DirectPredictResult } from "./predict/direct.js";
export { predictBspDaysToExpire, predictJobSchema, predictObjectSchema, readPredictJob, PREDICT_BSP_DAYS_TO_EXPIRE, PREDICT_JOB_FILE, type PredictJob } from "./predict/job.js";
export { predictObject, type PredictObjectRequest, type PredictObjectResult, type PredictRow } from "./predict/object.js";
export { writeObjectOutputs, OCCULTATION_TABLE_FILE, OCCULTATIONS_JSON_FILE, MAPS_DIR, type MapFormat } from "./predict/outputs.js";
export {
  runPredictJob,
  PREDICT_LOG_FILE,
  PREDICT_STATE_FILE,
  PREDICT_SUMMARY_FILE,
  type PredictObjectOutcome,
  type RunPredictOptions,
  type RunPredictReport,
} from "./predict/runner.js";
export { coneZones, GAIA_TABLE, hasQ3c, importStars, pathCones, queryStarsInCones, type Cone, type SpatialMethod, type StarQueryOptions } from "./predict/stars.js";
export { PREDICT_TASK, type PredictTaskPayload } from "./predict/tasks.js";
