/**
 * What every admin endpoint handler receives.
 * @module
 */
import type { RoomRegistry } from "../room_registry.ts";

/** One authenticated admin request. */
export interface AdminRequest {
  req: Request;
  url: URL;
  registry: RoomRegistry;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
}
