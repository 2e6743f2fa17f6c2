/**
 * The store schema type the room works with.
 * @module
 */
import type { StoreSchema, UnknownRecord } from "@tldraw/store";

/** An untyped store schema, as the room holds it. */
export type AnyStoreSchema = StoreSchema<UnknownRecord, unknown>;
