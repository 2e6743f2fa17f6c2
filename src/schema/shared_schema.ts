/**
 * Schemas are large (validators and migrations for every record type) and immutable once built:
 * one default tldraw schema per process, and one serialized form per schema, shared by every room.
 * @module
 */
import type { SerializedSchema, StoreSchema, UnknownRecord } from "@tldraw/store";
import { createTLSchema } from "@tldraw/tlschema";

type AnySchema = StoreSchema<UnknownRecord, unknown>;

let defaultSchema: AnySchema | undefined;
const serialized = new WeakMap<AnySchema, { schema: SerializedSchema; json: string }>();

/** tldraw's `createTLSchema()`, built once per process. */
export function sharedDefaultSchema(): AnySchema {
  return (defaultSchema ??= createTLSchema() as unknown as AnySchema);
}

/** `schema.serialize()` and its JSON, computed once per schema. */
export function serializedSchemaOf(schema: AnySchema): { schema: SerializedSchema; json: string } {
  let entry = serialized.get(schema);
  if (!entry) {
    const s = schema.serialize();
    entry = { schema: s, json: JSON.stringify(s) };
    serialized.set(schema, entry);
  }
  return entry;
}
