/** Text-table helpers shared by the catalogue readers. */

/**
 * Splits one delimited line (`,`, `;`, or `" "` for runs of blanks and tabs as in ECSV), with
 * RFC 4180 double quotes: a quoted field may hold the delimiter, and `""` is a quote.
 */
export function splitDelimitedLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return delimiter === " " ? line.trim().split(/\s+/) : line.split(delimiter);
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter || (delimiter === " " && ch === "\t")) {
      if (delimiter === " " && cur === "" && (out.length === 0 || line[i - 1] === " ")) continue;
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
