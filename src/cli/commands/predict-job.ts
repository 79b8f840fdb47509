import { InputError } from "../errors.js";

/** `tno predict <jobdir>`: job mode. */
export async function runPredictCommand(jobdir: string, _raw: Record<string, unknown>): Promise<void> {
  throw new InputError(`${jobdir}: job mode is not available yet`);
}
