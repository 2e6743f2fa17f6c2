/**
 * End the process with one line on stderr and a non-zero status (startup failures of the
 * default server).
 * @module
 */
import process from "node:process";

/** Print `line` to stderr and exit with status 1. */
export function exitWithMessage(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}
