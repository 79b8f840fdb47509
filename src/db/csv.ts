/**
 * A small streaming CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF or LF, newlines
 * inside quotes) that remembers the line each record starts on, for error messages.
 */

/** One record: the physical line it starts on (1-based) and its fields. */
export interface CsvRecord {
  line: number;
  /** Field text; `null` for an empty unquoted field (a quoted `""` stays `''`). */
  fields: (string | null)[];
}

/** Incremental parser: feed chunks with {@link CsvParser.push}, finish with {@link CsvParser.end}. */
export class CsvParser {
  private field = "";
  private quotedField = false;
  private inQuotes = false;
  /** A quote seen inside a quoted field: either the closing quote or the first of `""`. */
  private quotePending = false;
  private fields: (string | null)[] = [];
  private line = 1;
  private recordLine = 1;
  private started = false;
  private prevCr = false;
  private readonly delimiter: string;

  constructor(delimiter = ",") {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
      throw new Error(`CSV delimiter ${JSON.stringify(delimiter)}: must be one character other than a quote or newline`);
    }
    this.delimiter = delimiter;
  }

  /** Parses a chunk and returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      // CRLF is one line break: the LF after a CR was already counted (also across chunks).
      const afterCr = this.prevCr;
      this.prevCr = c === "\r";
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // that quote closed the field; handle c below
        } else if (c === '"') {
          this.quotePending = true;
          continue;
        } else {
          if (c === "\r" || (c === "\n" && !afterCr)) this.line++;
          this.field += c;
          continue;
        }
      }
      if (c === "\n" && afterCr) continue;
      if (!this.started) {
        this.started = true;
        this.recordLine = this.line;
      }
      if (c === '"' && this.field.length === 0 && !this.quotedField) {
        this.inQuotes = true;
        this.quotedField = true;
      } else if (c === this.delimiter) {
        this.endField();
      } else if (c === "\n" || c === "\r") {
        this.endField();
        out.push({ line: this.recordLine, fields: this.fields });
        this.fields = [];
        this.started = false;
        this.line++;
      } else {
        this.field += c;
      }
    }
    return out;
  }

  /** Completes the last record (a file need not end with a newline). Throws on an open quote. */
  end(): CsvRecord[] {
    if (this.inQuotes && !this.quotePending) throw new Error(`line ${this.recordLine}: quoted field is not closed at end of file`);
    this.inQuotes = false;
    this.quotePending = false;
    if (!this.started) return [];
    this.endField();
    const rec = { line: this.recordLine, fields: this.fields };
    this.fields = [];
    this.started = false;
    return [rec];
  }

  private endField(): void {
    this.fields.push(this.field.length === 0 && !this.quotedField ? null : this.field);
    this.field = "";
    this.quotedField = false;
  }
}

/** Parses a whole CSV text (tests, small files). */
export function parseCsv(text: string, delimiter = ","): CsvRecord[] {
  const p = new CsvParser(delimiter);
  return [...p.push(text), ...p.end()];
}
