import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { dataPath } from "./data.js";

/** One request the local server received. */
export interface SeenRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
}

/** Decides the answer to the n-th request (0-based). */
export type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void | Promise<void>;

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and a random port: the tests never reach the internet. */
export async function startLocalServer(handler: Handler): Promise<LocalServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://127.0.0.1");
    const n = requests.length;
    requests.push({ method: req.method ?? "GET", url: req.url ?? "/", query: Object.fromEntries(u.searchParams) });
    Promise.resolve(handler(req, res, n)).catch((e: unknown) => {
      res.destroy(e as Error);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Sends a complete answer. */
export function send(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
  res.writeHead(status, { "content-type": contentType, "content-length": String(bytes.length) });
  res.end(bytes);
}

/** The real Horizons answer (format=text, 2023-09-20, Chiron JPL#152, 2012-01-01 .. 2024-12-31). */
export const CHIRON_ANSWER_FILE = "spk_smallbody/chiron_20002060_jpl152_horizons_api_response_base64.txt";

/** The real answer's text, verbatim. */
export function chironAnswerText(): string {
  return readFileSync(dataPath(CHIRON_ANSWER_FILE), "utf8");
}

/**
 * The same answer in the `format=json` envelope: `signature` from the API header lines,
 * `result` = the object data, `spk_file_id` from the `ID=` line, `spk` = the base64 text.
 */
export function chironAnswerJson(): { signature: { source: string; version: string }; result: string; spk_file_id: string; spk: string } {
  const text = chironAnswerText();
  const marker = "SPK Binary Data Follows -- base64 encoded:\n";
  const at = text.indexOf(marker);
  const header = text.slice(0, at);
  const version = /API VERSION:\s*(\S+)/.exec(header)?.[1] ?? "";
  const source = /API SOURCE:\s*(.+)/.exec(header)?.[1]?.trim() ?? "";
  const id = /ID=\s*'(\d+)'/.exec(header)?.[1] ?? "";
  const result = header.replace(/^API (VERSION|SOURCE):.*\n/gm, "").replace(/^ID=.*\n/m, "");
  return { signature: { source, version }, result, spk_file_id: id, spk: text.slice(at + marker.length) };
}
