/**
 * Read a request body as JSON without buffering more than a limit.
 * @module
 */
import { AdminError } from "./admin_error.ts";

/**
 * The parsed JSON body.
 * @throws {AdminError} 413 over `maxBytes`, 400 for an empty or unparsable body.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await req.body?.cancel().catch(() => {}); // unread body: release it, the answer is 413
    throw tooLarge(maxBytes);
  }
  const text = await readText(req, maxBytes);
  if (text.trim() === "") throw new AdminError(400, "invalid_json", "The request body is empty");
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new AdminError(400, "invalid_json", `Cannot parse the request body as JSON: ${detail}`);
  }
}

async function readText(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {}); // stop reading; the answer is 413 either way
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

function tooLarge(maxBytes: number): AdminError {
  return new AdminError(413, "payload_too_large", `The request body exceeds ${maxBytes} bytes`);
}
