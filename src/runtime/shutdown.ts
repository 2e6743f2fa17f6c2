/**
 * Graceful shutdown on SIGTERM/SIGINT: flush rooms, close sockets with 1001, exit.
 * @module
 */
import process from "node:process";
import type { Logger } from "../ports/logger.ts";

/** Longest a graceful shutdown may take before the process exits with status 1. */
const FORCE_EXIT_MS = 10_000;

let onSignal: ((signal: string) => void) | undefined;

/** Run `shutdown` once on SIGTERM or SIGINT, then exit. */
export function installShutdown(shutdown: () => Promise<void>, logger: Logger): void {
  if (onSignal) return;
  let running = false;
  onSignal = (signal: string): void => {
    if (running) return;
    running = true;
    logger.info("shutdown", { signal });
    const force = setTimeout(() => process.exit(1), FORCE_EXIT_MS);
    shutdown().then(
      () => {
        clearTimeout(force);
        logger.info("stopped", { signal });
        process.exit(0);
      },
      (error) => {
        logger.error("shutdown_failed", { error: String(error) });
        process.exit(1);
      },
    );
  };
  try {
    process.on("SIGTERM", () => onSignal?.("SIGTERM"));
    process.on("SIGINT", () => onSignal?.("SIGINT"));
  } catch (error) {
    logger.warn("signals_unavailable", { error: String(error) });
  }
}
