/**
 * Runs a job with Ctrl-C / SIGTERM turned into an abort: the first signal stops scheduling (the
 * runner writes its status and keeps what is finished, so a rerun resumes), a second quits now.
 */
export async function withStopSignals<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130);
    process.stderr.write(`\ntno: ${sig}: stopping after the running tasks (status and finished work are kept; press Ctrl-C again to quit now)\n`);
    controller.abort(sig);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await run(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
