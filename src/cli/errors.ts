/** Exit codes of the `tno` command. */
export const EXIT_OK = 0;
/** The run started but failed (a job ended in failure, a computation threw). */
export const EXIT_FAILED = 1;
/** Bad input: a flag, a file, a job.json field. Nothing was run. */
export const EXIT_BAD_INPUT = 2;

export { InputError } from "../errors.js";
