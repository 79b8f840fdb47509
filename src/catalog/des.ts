/**
 * DES single-epoch CCD catalogues: FITS_LDAC (`*_red-fullcat.fits`, objects table in HDU 2) and
 * CSV, reduced to the four columns Orbit Trace needs. Also a writer for synthetic LDAC files.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { extname, join, relative, resolve, isAbsolute } from "node:path";
import { z } from "zod";
import { splitDelimitedLine } from "./text.js";

/** The four catalogue columns Orbit Trace reads, one Float64Array each (NaN for missing values). */
export interface DesCatalog {
  /** `ALPHA_J2000`, degrees. */
  raDeg: Float64Array;
  /** `DELTA_J2000`, degrees. */
  decDeg: Float64Array;
  /** `MAG_PSF`, magnitudes. */
  magPsf: Float64Array;
  /** `MAGERR_PSF`, magnitudes. */
  magErrPsf: Float64Array;
  /** Number of sources (rows). */
  count: number;
}

/** A catalogue that could not be read; the message names the file and the reason. */
export class CatalogError extends Error {
  override readonly name = "CatalogError";
  constructor(
    /** Path of the catalogue file. */
    readonly file: string,
    /** What is wrong, e.g. `missing column MAG_PSF in HDU 2`. */
    readonly reason: string,
  ) {
    super(`catalogue ${file}: ${reason}`);
  }
}

/** FITS `TTYPEn` names of the needed columns, in {@link DesCatalog} order. */
export const DES_CATALOG_COLUMNS = ["ALPHA_J2000", "DELTA_J2000", "MAG_PSF", "MAGERR_PSF"] as const;

/** Index of the LDAC objects table: HDU 0 primary, HDU 1 `LDAC_IMHEAD`, HDU 2 `LDAC_OBJECTS`. */
export const LDAC_OBJECTS_HDU = 2;

const BLOCK = 2880;
const CARD = 80;
/** Header blocks read per call while scanning for END. */
const HEADER_READ_BLOCKS = 4;
/** Largest slice of table data read at once; bigger tables are decoded by row ranges. */
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/** Guard against scanning garbage forever: no real header is this long. */
const MAX_HEADER_BLOCKS = 10_000;

// Per-thread scratch buffers, reused by every read (the readers are synchronous, so never
// shared by two reads at once): saves a multi-MB allocation and its page faults per CCD.
const headerScratch = Buffer.allocUnsafe(BLOCK * HEADER_READ_BLOCKS);
let dataScratch = Buffer.allocUnsafe(0);

const ccdRefSchema = z.object({ path: z.string(), filename: z.string().min(1) });

/**
 * Host path of a CCD's catalogue: `root/ccd.path/ccd.filename`. A leading `/` in `ccd.path` is
 * kept under `root` (portal paths are archive-absolute), and a path escaping `root` is refused.
 * The portal's `path`/`filename` rewrites (OPS/, red/immask) belong to the DB layer.
 */
export function catalogPath(root: string, ccd: { path: string; filename: string }): string {
  const { path, filename } = ccdRefSchema.parse(ccd);
  const rootAbs = resolve(root);
  const full = join(rootAbs, path, filename);
  const rel = relative(rootAbs, full);
  if (rel.startsWith("..") || isAbsolute(rel)) throw new CatalogError(full, `path escapes the catalogue root ${rootAbs}`);
  return full;
}

const FITS_EXTENSIONS = new Set([".fits", ".fit", ".fts"]);

/**
 * Reads a DES catalogue: CSV for `.csv`/`.txt` names, FITS_LDAC for `.fits`/`.fit`/`.fts`
 * names, and otherwise by content (FITS when the file starts with the `SIMPLE` card).
 * @throws {@link CatalogError} naming the file and the reason.
 */
export function readDesCatalog(path: string): DesCatalog {
  const ext = extname(path).toLowerCase();
  if (ext === ".csv" || ext === ".txt") return readCsvCatalog(path);
  const fits = withOpenFile(path, (fd) => {
    if (FITS_EXTENSIONS.has(ext)) return readLdacFd(fd, path);
    const head = Buffer.alloc(9);
    const n = readOrThrow(fd, head, 0, path);
    return n === 9 && head.toString("latin1") === "SIMPLE  =" ? readLdacFd(fd, path) : undefined;
  });
  return fits ?? readCsvCatalog(path);
}

/** Opens `path` for reading, runs `fn` and closes it; open errors become a {@link CatalogError}. */
function withOpenFile<T>(path: string, fn: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    return fn(fd);
  } finally {
    closeSync(fd);
  }
}

function readOrThrow(fd: number, buf: Uint8Array, pos: number, path: string): number {
  try {
    return readSync(fd, buf, 0, buf.length, pos);
  } catch (e) {
    throw fileError(path, e);
  }
}

/**
 * Reads the LDAC objects table (HDU 2) of a FITS file: only the headers and that table's data
 * are read from disk, and only the four needed columns are decoded.
 * @throws {@link CatalogError} for a missing file or HDU, a missing or non-numeric column,
 * a bad header or truncated data.
 */
export function readLdacCatalog(path: string): DesCatalog {
  return withOpenFile(path, (fd) => readLdacFd(fd, path));
}

/** Same as {@link readLdacCatalog}, from bytes already in memory (`name` is used in errors). */
export function parseLdacCatalog(bytes: Uint8Array, name: string): DesCatalog {
  const source: ByteSource = {
    size: bytes.length,
    read: (buf, pos) => {
      const n = Math.max(0, Math.min(buf.length, bytes.length - pos));
      buf.set(bytes.subarray(pos, pos + n));
      return n;
    },
  };
  return readLdac(source, name);
}

interface ByteSource {
  size: number;
  /** Reads up to buf.length bytes at pos; returns the count read. */
  read(buf: Uint8Array, pos: number): number;
}

function readLdacFd(fd: number, path: string): DesCatalog {
  const size = fstatSync(fd).size;
  return readLdac({ size, read: (buf, pos) => readOrThrow(fd, buf, pos, path) }, path);
}

function readLdac(src: ByteSource, file: string): DesCatalog {
  const t = readTable(src, file, LDAC_OBJECTS_HDU, DES_CATALOG_COLUMNS, "LDAC_OBJECTS");
  const [raDeg, decDeg, magPsf, magErrPsf] = t.columns as [Float64Array, Float64Array, Float64Array, Float64Array];
  return { raDeg, decDeg, magPsf, magErrPsf, count: t.rows };
}

/**
 * Reads scalar numeric columns (B, I, J, K, E, D; TSCAL/TZERO applied) of the binary table in
 * HDU `hdu` of any FITS file, by name (case-insensitive), as Float64Arrays in the order asked.
 * @throws {@link CatalogError} as {@link readLdacCatalog}.
 */
export function readFitsTableColumns(path: string, hdu: number, names: readonly string[]): { rows: number; columns: Float64Array[] } {
  return withOpenFile(path, (fd) => readTable({ size: fstatSync(fd).size, read: (buf, pos) => readOrThrow(fd, buf, pos, path) }, path, hdu, names, "binary table"));
}

function readTable(src: ByteSource, file: string, hduIndex: number, names: readonly string[], what: string): { rows: number; columns: Float64Array[] } {
  const magic = new Uint8Array(9);
  if (src.read(magic, 0) < 9 || String.fromCharCode(...magic) !== "SIMPLE  =") throw new CatalogError(file, "not a FITS file (it does not start with the SIMPLE card)");
  let pos = 0;
  for (let hdu = 0; hdu < hduIndex; hdu++) {
    if (pos >= src.size) throw new CatalogError(file, `missing HDU ${hduIndex} (${what}): the file holds ${hdu} HDU(s)`);
    const h = readHeader(src, pos, file, hdu);
    pos = h.dataStart + padded(dataBytes(h, file, hdu));
  }
  if (pos >= src.size) throw new CatalogError(file, `missing HDU ${hduIndex} (${what}): the file holds ${hduIndex} HDU(s)`);
  const h = readHeader(src, pos, file, hduIndex);
  const table = binaryTableLayout(h, file, hduIndex, what);
  const cols = names.map((name) => {
    const c = table.columns.find((col) => col.name.toUpperCase() === name.toUpperCase());
    if (!c) throw new CatalogError(file, `missing column ${name} in HDU ${hduIndex} (columns: ${table.columns.map((x) => x.name).join(", ")})`);
    if (!NUMERIC_TYPES.has(c.type) || c.repeat !== 1) {
      throw new CatalogError(file, `column ${name} in HDU ${hduIndex} has TFORM '${c.tform}'; a scalar numeric column (E or D) is expected`);
    }
    return c;
  });

  const { rows, rowBytes } = table;
  const need = rows * rowBytes;
  if (h.dataStart + need > src.size) {
    throw new CatalogError(file, `truncated data: HDU ${hduIndex} needs ${need} bytes of table data from byte ${h.dataStart}, the file has ${Math.max(0, src.size - h.dataStart)}`);
  }
  const out = cols.map(() => new Float64Array(rows));
  const rowsPerChunk = Math.max(1, Math.floor(MAX_CHUNK_BYTES / Math.max(1, rowBytes)));
  const bufBytes = Math.min(rows, rowsPerChunk) * rowBytes;
  // Unzeroed and reused: every byte is overwritten by the read before it is decoded.
  if (dataScratch.length < bufBytes) dataScratch = Buffer.allocUnsafe(bufBytes);
  const buf = dataScratch;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let r0 = 0; r0 < rows; r0 += rowsPerChunk) {
    const nRows = Math.min(rowsPerChunk, rows - r0);
    const len = nRows * rowBytes;
    const chunk = buf.subarray(0, len);
    const got = src.read(chunk, h.dataStart + r0 * rowBytes);
    if (got < len) throw new CatalogError(file, `truncated data: short read at row ${r0} of HDU ${hduIndex}`);
    for (let k = 0; k < cols.length; k++) decodeColumn(view, cols[k]!, nRows, rowBytes, out[k]!, r0);
  }
  return { rows, columns: out };
}

const NUMERIC_TYPES = new Set(["B", "I", "J", "K", "E", "D"]);

function decodeColumn(view: DataView, c: ColumnLayout, nRows: number, rowBytes: number, out: Float64Array, r0: number): void {
  let off = c.offset;
  // Separate loops per type keep the hot loop monomorphic.
  switch (c.type) {
    case "D":
      for (let i = 0; i < nRows; i++, off += rowBytes) out[r0 + i] = view.getFloat64(off, false);
      break;
    case "E":
      for (let i = 0; i < nRows; i++, off += rowBytes) out[r0 + i] = view.getFloat32(off, false);
      break;
    case "J":
      for (let i = 0; i < nRows; i++, off += rowBytes) out[r0 + i] = view.getInt32(off, false);
      break;
    case "I":
      for (let i = 0; i < nRows; i++, off += rowBytes) out[r0 + i] = view.getInt16(off, false);
      break;
    case "B":
      for (let i = 0; i < nRows; i++, off += rowBytes) out[r0 + i] = view.getUint8(off);
      break;
    case "K":
      for (let i = 0; i < nRows; i++, off += rowBytes) out[r0 + i] = Number(view.getBigInt64(off, false));
      break;
  }
  if (c.scale !== 1 || c.zero !== 0) for (let i = 0; i < nRows; i++) out[r0 + i] = out[r0 + i]! * c.scale + c.zero;
}

interface Header {
  cards: Map<string, string | number | boolean>;
  dataStart: number;
}

/** Reads and parses one header starting at `pos` (block aligned). */
function readHeader(src: ByteSource, pos: number, file: string, hdu: number): Header {
  const cards = new Map<string, string | number | boolean>();
  const buf = headerScratch;
  let blocks = 0;
  for (;;) {
    const got = src.read(buf, pos + blocks * BLOCK);
    const full = Math.floor(got / BLOCK);
    if (full === 0) throw new CatalogError(file, `bad header: HDU ${hdu} header is truncated (no END card before the end of the file)`);
    for (let b = 0; b < full; b++) {
      const text = buf.toString("latin1", b * BLOCK, (b + 1) * BLOCK);
      const bad = NON_PRINTABLE.exec(text);
      if (bad) {
        throw new CatalogError(file, `bad header: HDU ${hdu} has a non-ASCII byte 0x${text.charCodeAt(bad.index).toString(16).padStart(2, "0")} at header byte ${(blocks + b) * BLOCK + bad.index} (corrupt file?)`);
      }
      for (let start = 0; start < BLOCK; start += CARD) {
        const card = text.slice(start, start + CARD);
        if (blocks === 0 && b === 0 && start === 0) checkFirstCard(card, file, hdu);
        const key = card.slice(0, 8).trimEnd();
        if (key === "END") return { cards, dataStart: pos + (blocks + b + 1) * BLOCK };
        if (card.charCodeAt(8) === 0x3d && card.charCodeAt(9) === 0x20 && key !== "") cards.set(key, parseValue(card.slice(10), key, file, hdu));
      }
    }
    blocks += full;
    if (full < HEADER_READ_BLOCKS) throw new CatalogError(file, `bad header: HDU ${hdu} header is truncated (no END card before the end of the file)`);
    if (blocks > MAX_HEADER_BLOCKS) throw new CatalogError(file, `bad header: HDU ${hdu} has no END card in ${MAX_HEADER_BLOCKS} blocks`);
  }
}

const NON_PRINTABLE = /[^\x20-\x7e]/;

function checkFirstCard(card: string, file: string, hdu: number): void {
  const key = card.slice(0, 8).trimEnd();
  if (hdu === 0 && key !== "SIMPLE") throw new CatalogError(file, "not a FITS file (the first card is not SIMPLE)");
  if (hdu > 0 && key !== "XTENSION") throw new CatalogError(file, `bad header: HDU ${hdu} does not start with XTENSION (found '${key}')`);
}

function parseValue(raw: string, key: string, file: string, hdu: number): string | number | boolean {
  const s = raw.trimStart();
  if (s.startsWith("'")) {
    let out = "";
    for (let i = 1; i < s.length; i++) {
      if (s[i] === "'") {
        if (s[i + 1] === "'") {
          out += "'";
          i++;
        } else return out.trimEnd();
      } else out += s[i];
    }
    throw new CatalogError(file, `bad header: HDU ${hdu} keyword ${key} has an unterminated string`);
  }
  const v = s.split("/")[0]!.trim();
  if (v === "T") return true;
  if (v === "F") return false;
  const n = Number(v.replace(/D/i, "E"));
  return v !== "" && Number.isFinite(n) ? n : v;
}

function intCard(h: Header, key: string, file: string, hdu: number, fallback?: number): number {
  const v = h.cards.get(key);
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || (v < 0 && key !== "BITPIX")) {
    throw new CatalogError(file, `bad header: HDU ${hdu} ${key} is ${v === undefined ? "missing" : `'${String(v)}'`} (a non-negative integer is expected)`);
  }
  return v;
}

/** Bytes of the data unit (without padding), from BITPIX, NAXISn, PCOUNT and GCOUNT. */
function dataBytes(h: Header, file: string, hdu: number): number {
  const bitpix = intCard(h, "BITPIX", file, hdu);
  if (![8, 16, 32, 64, -32, -64].includes(bitpix)) throw new CatalogError(file, `bad header: HDU ${hdu} BITPIX ${bitpix}`);
  const naxis = intCard(h, "NAXIS", file, hdu);
  if (naxis === 0) return 0;
  let n = 1;
  for (let i = 1; i <= naxis; i++) n *= intCard(h, `NAXIS${i}`, file, hdu);
  const pcount = intCard(h, "PCOUNT", file, hdu, 0);
  const gcount = intCard(h, "GCOUNT", file, hdu, 1);
  return (Math.abs(bitpix) / 8) * gcount * (pcount + n);
}

function padded(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

interface ColumnLayout {
  name: string;
  tform: string;
  type: string;
  repeat: number;
  /** Byte offset in the row. */
  offset: number;
  scale: number;
  zero: number;
}

/** Bytes per element of each TFORM type (X is bits, handled separately). */
const TYPE_BYTES: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16, P: 8, Q: 16 };

function binaryTableLayout(h: Header, file: string, hdu: number, what: string): { rows: number; rowBytes: number; columns: ColumnLayout[] } {
  const xt = h.cards.get("XTENSION");
  if (xt !== "BINTABLE") throw new CatalogError(file, `bad header: HDU ${hdu} is ${String(xt)}, not a BINTABLE (${what} expected)`);
  if (intCard(h, "NAXIS", file, hdu) !== 2) throw new CatalogError(file, `bad header: HDU ${hdu} NAXIS must be 2 for a binary table`);
  const rowBytes = intCard(h, "NAXIS1", file, hdu);
  const rows = intCard(h, "NAXIS2", file, hdu);
  const tfields = intCard(h, "TFIELDS", file, hdu);
  const columns: ColumnLayout[] = [];
  let offset = 0;
  for (let i = 1; i <= tfields; i++) {
    const tform = h.cards.get(`TFORM${i}`);
    const m = typeof tform === "string" ? /^\s*(\d*)([LXBIJKAEDCMPQ])/.exec(tform) : null;
    if (!m) throw new CatalogError(file, `bad header: HDU ${hdu} TFORM${i} is ${tform === undefined ? "missing" : `'${String(tform)}'`}`);
    const repeat = m[1] ? Number(m[1]) : 1;
    const type = m[2]!;
    const width = type === "X" ? Math.ceil(repeat / 8) : repeat * TYPE_BYTES[type]!;
    const ttype = h.cards.get(`TTYPE${i}`);
    const scale = h.cards.get(`TSCAL${i}`);
    const zero = h.cards.get(`TZERO${i}`);
    columns.push({
      name: typeof ttype === "string" ? ttype.trim() : `col${i}`,
      tform: String(tform),
      type,
      repeat,
      offset,
      scale: typeof scale === "number" ? scale : 1,
      zero: typeof zero === "number" ? zero : 0,
    });
    offset += width;
  }
  if (offset !== rowBytes) throw new CatalogError(file, `bad header: HDU ${hdu} TFORMs add up to ${offset} bytes per row but NAXIS1 = ${rowBytes}`);
  return { rows, rowBytes, columns };
}

/**
 * Reads a CSV catalogue: header row with `ALPHA_J2000`, `DELTA_J2000`, `MAG_PSF`, `MAGERR_PSF`
 * (any case, any order, other columns ignored), separated by `,` or `;` (taken from the header).
 * Empty, `nan` and `null` cells are NaN.
 * @throws {@link CatalogError} for a missing file or column, or a cell that is not a number.
 */
export function readCsvCatalog(path: string): DesCatalog {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw fileError(path, e);
  }
  return parseCsvCatalog(text, path);
}

/** Same as {@link readCsvCatalog}, from text in memory (`name` is used in errors). */
export function parseCsvCatalog(text: string, name: string): DesCatalog {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  const headerLine = lines[0] ?? "";
  if (headerLine.trim() === "") throw new CatalogError(name, "empty CSV file (no header row)");
  const sep = count(headerLine, ";") > count(headerLine, ",") ? ";" : ",";
  const header = splitDelimitedLine(headerLine, sep).map((h) => h.trim().toUpperCase());
  const idx = DES_CATALOG_COLUMNS.map((c) => {
    const i = header.indexOf(c);
    if (i < 0) throw new CatalogError(name, `missing column ${c} in the CSV header (columns: ${header.join(", ")})`);
    return i;
  });
  let n = lines.length - 1;
  while (n > 0 && lines[n]!.trim() === "") n--;
  const out = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)] as const;
  for (let r = 0; r < n; r++) {
    const line = lines[r + 1]!;
    const cells = splitDelimitedLine(line, sep);
    for (let k = 0; k < 4; k++) {
      const cell = cells[idx[k]!];
      if (cell === undefined) throw new CatalogError(name, `line ${r + 2}: has ${cells.length} fields, column ${DES_CATALOG_COLUMNS[k]} is field ${idx[k]! + 1}`);
      out[k]![r] = csvNumber(cell, name, r + 2, DES_CATALOG_COLUMNS[k]!);
    }
  }
  return { raDeg: out[0], decDeg: out[1], magPsf: out[2], magErrPsf: out[3], count: n };
}

function csvNumber(cell: string, file: string, line: number, column: string): number {
  const s = cell.trim();
  if (s === "" || /^(nan|null|none)$/i.test(s)) return NaN;
  const v = Number(s);
  if (Number.isNaN(v)) throw new CatalogError(file, `line ${line}: column ${column} value '${s}' is not a number`);
  return v;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}


function fileError(path: string, e: unknown): CatalogError {
  const code = (e as NodeJS.ErrnoException).code;
  return new CatalogError(path, code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory" : (e as Error).message);
}

// ---------------------------------------------------------------------------------------------
// Writer (synthetic test data)

/** One extra binary-table column for {@link writeLdacCatalog}. */
export interface LdacColumn {
  /** `TTYPEn`. */
  name: string;
  /** Element type: 8-bit unsigned, 16/32/64-bit signed integers, 32/64-bit floats. */
  type: "B" | "I" | "J" | "K" | "E" | "D";
  /** Elements per row (vector column when > 1). Default 1. */
  repeat?: number;
  /** `TUNITn`. */
  unit?: string;
  /** Row-major values, `rows × repeat` long; omitted means zeros. */
  values?: ArrayLike<number>;
}

/** Columns and options of a synthetic LDAC file. */
export interface LdacCatalogInput {
  raDeg: ArrayLike<number>;
  decDeg: ArrayLike<number>;
  magPsf: ArrayLike<number>;
  magErrPsf: ArrayLike<number>;
  /**
   * Other columns around the four needed ones. `"des-like"` (default) adds about thirty columns
   * shaped like a DES `red-fullcat` (NUMBER, XWIN_IMAGE, YWIN_IMAGE, FLAGS, FLUX_AUTO,
   * 12-aperture vectors...), derived from the inputs; `"none"` writes only the four; a list puts
   * its first column before the needed four and the rest after them.
   */
  extraColumns?: "des-like" | "none" | LdacColumn[];
  /** FITS type of MAG_PSF and MAGERR_PSF: `E` (DES, float32: values are rounded) or `D`. Default `E`. */
  magType?: "E" | "D";
  /** Cards of the original image header stored in LDAC_IMHEAD (e.g. `{ EXPNUM: 247966, CCDNUM: 36 }`). */
  imageHeader?: Record<string, string | number | boolean>;
}

/**
 * Writes a valid FITS_LDAC catalogue: primary HDU, `LDAC_IMHEAD` (one row holding an image
 * header) and `LDAC_OBJECTS` (HDU 2) with ALPHA_J2000/DELTA_J2000 as `D` and MAG_PSF/MAGERR_PSF
 * as `E` (default) among other columns. Every header says the file is SYNTHETIC. For tests,
 * demos and benchmarks, not for real survey products.
 */
export function writeLdacCatalog(path: string, input: LdacCatalogInput): void {
  writeFileSync(path, encodeLdacCatalog(input));
}

/** The bytes {@link writeLdacCatalog} writes. */
export function encodeLdacCatalog(input: LdacCatalogInput): Uint8Array {
  const rows = input.raDeg.length;
  for (const [k, a] of [["decDeg", input.decDeg], ["magPsf", input.magPsf], ["magErrPsf", input.magErrPsf]] as const) {
    if (a.length !== rows) throw new RangeError(`writeLdacCatalog: ${k} has ${a.length} values, raDeg has ${rows}`);
  }
  const magType = input.magType ?? "E";
  const needed: LdacColumn[] = [
    { name: "ALPHA_J2000", type: "D", unit: "deg", values: input.raDeg },
    { name: "DELTA_J2000", type: "D", unit: "deg", values: input.decDeg },
    { name: "MAG_PSF", type: magType, unit: "mag", values: input.magPsf },
    { name: "MAGERR_PSF", type: magType, unit: "mag", values: input.magErrPsf },
  ];
  const extra = input.extraColumns ?? "des-like";
  const columns = extra === "none" ? needed : extra === "des-like" ? desLikeColumns(input, needed) : [...extra.slice(0, 1), ...needed, ...extra.slice(1)];
  for (const c of columns) {
    const n = c.values?.length ?? rows * (c.repeat ?? 1);
    if (n !== rows * (c.repeat ?? 1)) throw new RangeError(`writeLdacCatalog: column ${c.name} has ${n} values, ${rows * (c.repeat ?? 1)} expected`);
  }

  const synthetic = ["SYNTHETIC catalogue written by @tno/astrometry writeLdacCatalog:", "not a real DES product (test, demo or benchmark data)."];
  const primary = headerBytes([
    ["SIMPLE", true],
    ["BITPIX", 8],
    ["NAXIS", 0],
    ["EXTEND", true],
    ...synthetic.map((s) => ["COMMENT", s] as Card),
  ]);

  const imageCards: Card[] = [
    ["SIMPLE", true],
    ["BITPIX", -32],
    ["NAXIS", 2],
    ["NAXIS1", 2048],
    ["NAXIS2", 4096],
    ...Object.entries(input.imageHeader ?? {}).map(([k, v]) => [k, v] as Card),
    ["HISTORY", "SYNTHETIC image header (no real exposure)"],
    ["END", undefined],
  ];
  const imhead = imageCards.map(formatCard).join("");
  const imheadHeader = headerBytes([
    ["XTENSION", "BINTABLE"],
    ["BITPIX", 8],
    ["NAXIS", 2],
    ["NAXIS1", imhead.length],
    ["NAXIS2", 1],
    ["PCOUNT", 0],
    ["GCOUNT", 1],
    ["TFIELDS", 1],
    ["TTYPE1", "Field Header Card"],
    ["TFORM1", `${imhead.length}A`],
    ["TDIM1", `(80, ${imageCards.length})`],
    ["EXTNAME", "LDAC_IMHEAD"],
    ["HISTORY", "SYNTHETIC"],
  ]);
  const imheadData = new Uint8Array(padded(imhead.length));
  imheadData.set(Buffer.from(imhead, "latin1"));

  const widths = columns.map((c) => (c.repeat ?? 1) * TYPE_BYTES[c.type]!);
  const rowBytes = widths.reduce((a, b) => a + b, 0);
  const objCards: Card[] = [
    ["XTENSION", "BINTABLE"],
    ["BITPIX", 8],
    ["NAXIS", 2],
    ["NAXIS1", rowBytes],
    ["NAXIS2", rows],
    ["PCOUNT", 0],
    ["GCOUNT", 1],
    ["TFIELDS", columns.length],
  ];
  columns.forEach((c, i) => {
    objCards.push([`TTYPE${i + 1}`, c.name], [`TFORM${i + 1}`, `${c.repeat ?? 1}${c.type}`]);
    if (c.unit) objCards.push([`TUNIT${i + 1}`, c.unit]);
  });
  objCards.push(["EXTNAME", "LDAC_OBJECTS"], ["HISTORY", "SYNTHETIC sources (no real detections)"]);
  const objHeader = headerBytes(objCards);
  const objData = new Uint8Array(padded(rowBytes * rows));
  const view = new DataView(objData.buffer);
  let colOffset = 0;
  columns.forEach((c, ci) => {
    const rep = c.repeat ?? 1;
    const size = TYPE_BYTES[c.type]!;
    const vals = c.values;
    if (vals) writeColumn(view, c.type, vals, rows, rep, size, rowBytes, colOffset);
    colOffset += widths[ci]!;
  });

  const parts = [primary, imheadHeader, imheadData, objHeader, objData];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Writes one column big-endian; one loop per type keeps each loop monomorphic. */
function writeColumn(view: DataView, type: LdacColumn["type"], vals: ArrayLike<number>, rows: number, rep: number, size: number, rowBytes: number, colOffset: number): void {
  const n = rows * rep;
  const at = (k: number) => Math.floor(k / rep) * rowBytes + colOffset + (k % rep) * size;
  switch (type) {
    case "D":
      for (let k = 0; k < n; k++) view.setFloat64(at(k), vals[k]!, false);
      return;
    case "E":
      for (let k = 0; k < n; k++) view.setFloat32(at(k), vals[k]!, false);
      return;
    case "K":
      for (let k = 0; k < n; k++) view.setBigInt64(at(k), BigInt(Math.trunc(vals[k]!)), false);
      return;
    case "J":
      for (let k = 0; k < n; k++) view.setInt32(at(k), vals[k]!, false);
      return;
    case "I":
      for (let k = 0; k < n; k++) view.setInt16(at(k), vals[k]!, false);
      return;
    case "B":
      for (let k = 0; k < n; k++) view.setUint8(at(k), vals[k]!);
      return;
  }
}

/** A DES red-fullcat-like column set (order and types after the finalcut SExtractor output). */
function desLikeColumns(input: LdacCatalogInput, needed: LdacColumn[]): LdacColumn[] {
  const rows = input.raDeg.length;
  // Plain loops: Float64Array.from with a callback is an order of magnitude slower here.
  const map = (f: (i: number) => number) => {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = f(i);
    return out;
  };
  const vec = (repeat: number, f: (i: number, j: number) => number) => {
    const out = new Float64Array(rows * repeat);
    for (let i = 0, k = 0; i < rows; i++) for (let j = 0; j < repeat; j++, k++) out[k] = f(i, j);
    return out;
  };
  const magArr = map((i) => Number(input.magPsf[i]));
  const mag = (i: number) => magArr[i]!;
  const fluxArr = map((i) => 10 ** (-0.4 * (magArr[i]! - 30)));
  const flux = (i: number) => fluxArr[i]!;
  const x = map((i) => 1 + ((i * 7919) % 2048) + 0.25);
  const y = map((i) => 1 + ((i * 104729) % 4096) + 0.5);
  const [ra, dec, magPsf, magErr] = needed as [LdacColumn, LdacColumn, LdacColumn, LdacColumn];
  return [
    { name: "NUMBER", type: "J", values: map((i) => i + 1) },
    { name: "FLAGS", type: "I", values: map((i) => (i % 17 === 0 ? 2 : 0)) },
    { name: "IMAFLAGS_ISO", type: "J", values: map(() => 0) },
    { name: "XWIN_IMAGE", type: "D", unit: "pixel", values: x },
    { name: "YWIN_IMAGE", type: "D", unit: "pixel", values: y },
    { name: "ERRAWIN_IMAGE", type: "E", unit: "pixel", values: map(() => 0.05) },
    { name: "ERRBWIN_IMAGE", type: "E", unit: "pixel", values: map(() => 0.04) },
    { name: "ERRTHETAWIN_IMAGE", type: "E", unit: "deg", values: map(() => 12.5) },
    { name: "ALPHAWIN_J2000", type: "D", unit: "deg", values: input.raDeg },
    { name: "DELTAWIN_J2000", type: "D", unit: "deg", values: input.decDeg },
    { name: "X_IMAGE", type: "E", unit: "pixel", values: x },
    { name: "Y_IMAGE", type: "E", unit: "pixel", values: y },
    ra,
    dec,
    { name: "FLUX_APER", type: "E", repeat: 12, unit: "count", values: vec(12, (i, j) => flux(i) * (0.3 + j * 0.06)) },
    { name: "FLUXERR_APER", type: "E", repeat: 12, unit: "count", values: vec(12, (i, j) => Math.sqrt(Math.abs(flux(i))) * (1 + j * 0.1)) },
    { name: "MAG_APER", type: "E", repeat: 12, unit: "mag", values: vec(12, (i, j) => mag(i) + 1.3 - j * 0.1) },
    { name: "MAGERR_APER", type: "E", repeat: 12, unit: "mag", values: vec(12, (i) => Number(input.magErrPsf[i]) * 1.2) },
    { name: "FLUX_AUTO", type: "E", unit: "count", values: map(flux) },
    { name: "FLUXERR_AUTO", type: "E", unit: "count", values: map((i) => Math.sqrt(Math.abs(flux(i)))) },
    { name: "MAG_AUTO", type: "E", unit: "mag", values: map((i) => mag(i) - 0.05) },
    { name: "MAGERR_AUTO", type: "E", unit: "mag", values: map((i) => Number(input.magErrPsf[i])) },
    { name: "FLUX_PSF", type: "E", unit: "count", values: map(flux) },
    { name: "FLUXERR_PSF", type: "E", unit: "count", values: map((i) => Math.sqrt(Math.abs(flux(i)))) },
    magPsf,
    magErr,
    { name: "SPREAD_MODEL", type: "E", values: map((i) => ((i % 11) - 5) * 1e-4) },
    { name: "SPREADERR_MODEL", type: "E", values: map(() => 2e-3) },
    { name: "CLASS_STAR", type: "E", values: map((i) => (i % 3) / 2) },
    { name: "FWHM_WORLD", type: "E", unit: "deg", values: map(() => 2.8e-4) },
    { name: "ELLIPTICITY", type: "E", values: map((i) => (i % 10) / 100) },
    { name: "BACKGROUND", type: "E", unit: "count", values: map(() => 812.5) },
    { name: "THRESHOLD", type: "E", unit: "count", values: map(() => 24.1) },
    { name: "NITER_MODEL", type: "I", values: map(() => 31) },
    { name: "CCDNUM", type: "B", values: map(() => 36) },
  ];
}

type Card = [string, string | number | boolean | undefined];

function formatCard([key, value]: Card): string {
  if (key === "END") return "END".padEnd(CARD);
  if (key === "COMMENT" || key === "HISTORY") return `${key.padEnd(8)}${String(value).slice(0, 72)}`.padEnd(CARD);
  let v: string;
  if (typeof value === "boolean") v = (value ? "T" : "F").padStart(20);
  else if (typeof value === "number") v = (Number.isInteger(value) ? String(value) : value.toExponential(15).toUpperCase()).padStart(20);
  else v = `'${String(value).replace(/'/g, "''").padEnd(8)}'`;
  const card = `${key.padEnd(8)}= ${v}`;
  if (card.length > CARD) throw new RangeError(`FITS card ${key} is longer than 80 characters`);
  return card.padEnd(CARD);
}

function headerBytes(cards: Card[]): Uint8Array {
  const text = [...cards, ["END", undefined] as Card].map(formatCard).join("");
  const out = new Uint8Array(padded(text.length)).fill(0x20);
  out.set(Buffer.from(text, "latin1"));
  return out;
}
