/**
 * Graceful shutdown on SIGTERM/SIGINT: flush rooms, close sockets with 1001, exit.
 * @module
 */
import process from "node:process";
import type { Logger } from "../room/logger.ts";

let installed = false;

/** Run `shutdown` once on SIGTERM or SIGINT, then exit. */
export function installShutdown(shutdown: () => Promise<void>, logger: Logger): void {
  if (installed) return;
  installed = true;
  let running = false;
  const onSignal = (signal: string): void => {
    if (running) return;
    running = true;
    logger.info("shutdown", { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    shutdown().then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      (error) => {
        logger.error("shutdown_failed", { error: String(error) });
        process.exit(1);
      },
    );
  };
  try {
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    process.on("SIGINT", () => onSignal("SIGINT"));
  } catch (error) {
    logger.warn("signals_unavailable", { error: String(error) });
  }
}
