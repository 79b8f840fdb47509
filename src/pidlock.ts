import { readFileSync, rmSync, writeFileSync } from "node:fs";

/**
 * Takes a lock file holding this process's pid (created exclusively). A lock whose process is
 * gone (killed run) is taken over; a live owner gets `busy(pid)` thrown. With `reentrant`, a lock
 * already held by this very process is taken over too. Returns the release function, which also
 * runs at process exit.
 */
export function takePidLock(file: string, busy: (pid: number) => Error, options: { reentrant?: boolean } = {}): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off("exit", release);
        rmSync(file, { force: true });
      };
      process.on("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(readFileSync(file, "utf8").trim());
      const mine = owner === process.pid && options.reentrant === true;
      if (Number.isInteger(owner) && owner > 0 && !mine && processAlive(owner)) throw busy(owner);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
