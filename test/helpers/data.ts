import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Root of the shared reference data: `TNO_DATA_DIR`, or `../shared/data` beside the repository.
 * Every test that reads real data goes through {@link dataPath}.
 */
export const dataRoot = resolve(repoRoot, process.env.TNO_DATA_DIR ?? "../shared/data");

/** Path of a reference file; throws with the setting's name when the file is missing. */
export function dataPath(...parts: string[]): string {
  const p = join(dataRoot, ...parts);
  if (!existsSync(p)) throw new Error(`reference file ${p} is missing (set TNO_DATA_DIR to the shared data folder)`);
  return p;
}
