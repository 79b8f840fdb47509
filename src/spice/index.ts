/**
 * The SPICE engine: CSPICE compiled to WebAssembly (`@rybosome/tspice` 0.0.8), kernels given as
 * bytes, one instance per thread. See wasm/README.md for the module's provenance and rules.
 * @module spice
 */
export { SpiceEngine, kernelKind, mergeIntervals, type KernelInfo, type KernelBody, type LoadKernelOptions } from "./engine.js";
export { SpiceError, KernelError, toSpiceError, type SpiceErrorContext } from "./errors.js";
export { readDaf, type DafFile, type DafSegment } from "./daf.js";
export { smallBodyIdOfSpk, horizonsSpkIdComment } from "./ids.js";
