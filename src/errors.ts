/**
 * An error caused by what the user gave (a job field, a file, an option): nothing was run.
 * The `tno` command prints its message and exits with 2; library callers can tell it apart
 * from a computation that failed.
 */
export class InputError extends Error {
  override readonly name = "InputError";
}
