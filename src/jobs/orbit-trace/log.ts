import { appendFileSync, closeSync, fsyncSync, openSync } from "node:fs";

export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";
const LEVEL_ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

/**
 * A job log in the legacy format `%(asctime)s [%(levelname)s] %(message)s` (local time, comma
 * milliseconds). Lines are appended synchronously, so a killed run keeps everything it logged.
 * One file handle per log (the legacy leaked one handler per task).
 */
export class JobLog {
  private fd: number | undefined;
  constructor(
    readonly file: string,
    private readonly level: LogLevel = "INFO",
    /** Also receives every line written (e.g. a progress display). */
    private readonly echo?: (line: string) => void,
  ) {
    this.fd = openSync(file, "a");
  }

  log(level: LogLevel, message: string): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[this.level]) return;
    const text = message
      .split("\n")
      .map((m, i) => (i === 0 ? `${asctime(new Date())} [${level}] ${m}` : m))
      .join("\n");
    if (this.fd !== undefined) appendFileSync(this.fd, `${text}\n`);
    this.echo?.(text);
  }
  debug(m: string): void {
    this.log("DEBUG", m);
  }
  info(m: string): void {
    this.log("INFO", m);
  }
  warning(m: string): void {
    this.log("WARNING", m);
  }
  error(m: string): void {
    this.log("ERROR", m);
  }
  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } catch {
      // fsync can fail on special files; the lines are written either way.
    }
    closeSync(this.fd);
    this.fd = undefined;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Python logging's default asctime: `2022-04-12 15:18:16,256`, local time. */
export function asctime(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** ISO-8601 UTC with `+00:00`, as Python's `datetime.now(tz=utc).isoformat()`. */
export function isoUtc(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

/**
 * Python `humanize.naturaldelta(delta, minimum_unit="microseconds")`: "337 milliseconds",
 * "a second", "9 seconds", "a minute", "11 minutes", "an hour", "3 hours", "a day", "2 days".
 */
export function naturalDelta(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 1) {
    const ms = Math.floor(s * 1000);
    if (ms === 0) {
      const us = Math.floor(s * 1e6);
      return us === 1 ? "1 microsecond" : `${us} microseconds`;
    }
    return ms === 1 ? "1 millisecond" : `${ms} milliseconds`;
  }
  const whole = Math.floor(s);
  if (whole === 1) return "a second";
  if (whole < 60) return `${whole} seconds`;
  const minutes = Math.floor(whole / 60);
  if (minutes === 1) return "a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  if (hours === 1) return "an hour";
  if (hours < 24) return `${hours} hours`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "a day" : `${days} days`;
}

/** Python `str(timedelta)`: `0:11:03.681119` (microseconds only when non-zero). */
export function timedeltaString(seconds: number): string {
  const us = Math.round(seconds * 1e6);
  const days = Math.floor(us / 86_400e6);
  let rest = us - days * 86_400e6;
  const h = Math.floor(rest / 3600e6);
  rest -= h * 3600e6;
  const m = Math.floor(rest / 60e6);
  rest -= m * 60e6;
  const sec = Math.floor(rest / 1e6);
  const micro = rest - sec * 1e6;
  const clock = `${h}:${pad(m)}:${pad(sec)}${micro ? `.${pad(micro, 6)}` : ""}`;
  return days ? `${days} day${days === 1 ? "" : "s"}, ${clock}` : clock;
}
