import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * A temporary name beside `path` (same directory, so the final rename is atomic on POSIX).
 * Starts with a dot and ends in `.part` so listings and globs for `*.bsp` never see it.
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.part`);
}

/**
 * Writes `data` to `path` atomically: a temporary file in the same directory is written,
 * flushed to disk, then renamed over `path`. Readers see the old file or the new one, never a
 * half-written one; on failure the temporary file is removed and `path` is left untouched.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    const fh = await open(tmp, "wx");
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Renames a finished temporary file over its target (the last step of an atomic write). */
export async function commitTemp(tmp: string, path: string): Promise<void> {
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Removes a temporary file if it exists (cleanup after a failed download or check). */
export function discardTemp(tmp: string): void {
  try {
    unlinkSync(tmp);
  } catch {
    // Already gone.
  }
}

/** sha256 (hex) of bytes. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** sha256 (hex) of a file's content. */
export function sha256OfFile(path: string): string {
  return sha256Hex(readFileSync(path));
}

/** Modification time of a file in ms since 1970, or undefined when it does not exist. */
export function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Age in whole days (floor), as the legacy compares it with `*_days_to_expire`. */
export function ageInWholeDays(fromMs: number, nowMs: number): number {
  return Math.floor((nowMs - fromMs) / 86_400_000);
}
