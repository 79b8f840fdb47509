import { execFile } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./data.js";

/**
 * Runs `tno <args>` from the sources in a child process, so that a local test server in this
 * process keeps answering and the child's output does not mix with the test reporter's.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `import { main } from ${JSON.stringify(join(repoRoot, "src/cli/main.ts"))}; process.exitCode = await main(JSON.parse(process.env.TNO_TEST_ARGS));`;
  return new Promise((resolvePromise) => {
    execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: repoRoot, env: { ...process.env, ...env, TNO_TEST_ARGS: JSON.stringify(args) } }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
