import cliProgress from "cli-progress";

/** Progress of a run: counts only, rendered by whoever listens. */
export interface ProgressSink {
  start(total: number, label: string): void;
  update(done: number, detail?: string): void;
  stop(): void;
}

/** Seconds between plain progress lines when stderr is not a terminal. */
const PLAIN_INTERVAL_S = 5;

/**
 * A progress display on stderr: a cli-progress bar on a terminal, otherwise a plain line at
 * most every few seconds (and at the end), so logs of batch runs stay readable.
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: "{label} [{bar}] {value}/{total} | {detail} | {duration_formatted}", hideCursor: true, clearOnComplete: false, etaBuffer: 20 },
      cliProgress.Presets.shades_classic,
    );
    let active = false;
    return {
      start(total, label) {
        bar.start(total, 0, { label, detail: "" });
        active = true;
      },
      update(done, detail = "") {
        if (active) bar.update(done, { detail });
      },
      stop() {
        if (active) bar.stop();
        active = false;
      },
    };
  }
  let total = 0;
  let label = "";
  let lastPrintMs = 0;
  /** Last count received and not printed yet. */
  let pending: { done: number; detail: string } | undefined;
  const print = (done: number, detail: string) => {
    stream.write(`${label}: ${done}/${total}${detail ? ` (${detail})` : ""}\n`);
    lastPrintMs = Date.now();
    pending = undefined;
  };
  return {
    start(t, l) {
      total = t;
      label = l;
      lastPrintMs = Date.now();
      pending = undefined;
    },
    update(done, detail = "") {
      if (Date.now() - lastPrintMs >= PLAIN_INTERVAL_S * 1000) print(done, detail);
      else pending = { done, detail };
    },
    stop() {
      if (pending) print(pending.done, pending.detail);
    },
  };
}

/** A sink that shows nothing. */
export const silentProgress: ProgressSink = { start() {}, update() {}, stop() {} };
