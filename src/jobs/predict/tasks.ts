/** Predict Occultation task kinds for the executors (one SpiceEngine per worker, the object's SPK in a slot). */
import { defineTasks } from "../../executors/types.js";
import { predictObject, type PredictObjectRequest, type PredictObjectResult } from "./object.js";

/** Payload of a `predict/object` task. */
export interface PredictTaskPayload {
  /** Leap seconds, planetary SPK, Earth PCK: loaded once per worker. */
  baseKernels: string[];
  spkPath: string;
  request: PredictObjectRequest;
}

export const PREDICT_TASK = "predict/object";

export const tasks = defineTasks({
  [PREDICT_TASK]: async (p: PredictTaskPayload, ctx): Promise<PredictObjectResult> => {
    const engine = await ctx.useKernels(p.baseKernels);
    await ctx.useSlot("predict-target", p.spkPath);
    return predictObject(engine, p.request);
  },
});
