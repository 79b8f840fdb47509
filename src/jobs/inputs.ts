/**
 * External inputs of a job, shared by Orbit Trace and Predict Occultation: the generic kernels
 * job.json names (`bsp_planetary`, `leap_seconds`, `extra_kernels`), taken from the kernel cache
 * when no file is given, and the Horizons endpoint of the small-body SPK downloads.
 */
import { existsSync } from "node:fs";
import { basename, isAbsolute } from "node:path";
import { z } from "zod";
import { InputError } from "../errors.js";
import { HORIZONS_API_URL, HorizonsClient } from "../external/horizons.js";
import { defaultKernelCacheDir, kernelSpec, resolveKernel, type KernelCacheOptions } from "../external/kernels.js";
import { KernelError } from "../spice/errors.js";
import { jobPath } from "./job-file.js";

/**
 * A kernel of the legacy job.json, `{name, filename, absolute_path}`. Any one is enough: a file at
 * `absolute_path` is used as it is; otherwise the kernel is taken from the cache by file name or name.
 */
export const jobKernelRefSchema = z
  .looseObject({ name: z.string().min(1).optional(), filename: z.string().min(1).optional(), absolute_path: z.string().min(1).optional() })
  .refine((k) => k.name !== undefined || k.filename !== undefined || k.absolute_path !== undefined, "give absolute_path, or the name or filename of a kernel of the cache (e.g. naif0012.tls)");
export type JobKernelRef = z.infer<typeof jobKernelRefSchema>;

/** Where and how job kernels given by name are found. */
export interface JobKernelOptions extends Pick<KernelCacheOptions, "baseUrl" | "http"> {
  /** Kernel cache folder (relative: from the job directory); default `TNO_KERNEL_CACHE`, else `~/.cache/tno/kernels`. */
  cacheDir?: string;
  /** Never download: a kernel missing from the cache is a KernelNotCachedError naming `tno kernels fetch <file>`. */
  offline?: boolean;
}

/**
 * Host path of a kernel named in job.json. A `{name, filename, absolute_path}` whose file exists
 * is used as it is; otherwise its `filename`, the base name of `absolute_path` or its `name`
 * (`de440`, `naif0012.tls`) is resolved through the kernel cache, downloaded unless offline.
 * An `extra_kernels` string is a path (from the job directory) or, when no such file exists, a
 * bare kernel name of the cache. Throws a KernelError (offline and not cached, file missing) or
 * an {@link InputError} (no kernel of the cache by that name): both are bad input (exit 2).
 */
export async function resolveJobKernel(jobDir: string, field: string, ref: JobKernelRef | string, options: JobKernelOptions = {}): Promise<string> {
  const path = typeof ref === "string" ? ref : ref.absolute_path;
  const file = path !== undefined ? jobPath(jobDir, path) : undefined;
  if (file !== undefined && existsSync(file)) return file;
  const names = typeof ref === "string" ? (/[\\/]/.test(ref) ? [] : [ref]) : [ref.filename, path !== undefined ? basename(path) : undefined, ref.name, ref.name?.toLowerCase()];
  const name = names.find((n): n is string => n !== undefined && knownKernel(n));
  if (name === undefined) {
    if (file !== undefined) throw new KernelError(file, `${field}: file not found, and it names no kernel the cache knows (see \`tno kernels list\`)`);
    throw new InputError(`job.json ${field}: no kernel of the cache is named ${names.filter(Boolean).map((n) => `'${n}'`).join(" or ")}; give absolute_path (see \`tno kernels list\`)`);
  }
  const cacheDir = options.cacheDir !== undefined ? jobPath(jobDir, options.cacheDir) : defaultKernelCacheDir();
  return resolveKernel(kernelSpec(name).fileName, { cacheDir, ...(options.offline ? { offline: true } : {}), ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), ...(options.http ? { http: options.http } : {}) });
}

function knownKernel(name: string): boolean {
  if (isAbsolute(name)) return false;
  try {
    kernelSpec(name);
    return true;
  } catch {
    return false;
  }
}

/** The Horizons API endpoint of a job: its own field, else `TNO_HORIZONS_URL`, else JPL's. */
export function jobHorizonsUrl(jobField?: string, env: NodeJS.ProcessEnv = process.env): string {
  return jobField ?? (env.TNO_HORIZONS_URL || HORIZONS_API_URL);
}

/** A Horizons client on {@link jobHorizonsUrl} (tests point the job or the environment at a local server). */
export function jobHorizonsSource(jobField?: string, env: NodeJS.ProcessEnv = process.env): HorizonsClient {
  return new HorizonsClient({ baseUrl: jobHorizonsUrl(jobField, env) });
}
