// Test-only: a stored room holding one good shape beside records that must not enter a room,
// each with the reason loading gives for it, under a stored schema that needs migrations
// (com.tldraw.store at 4: the record-scoped FixIndexKeys; arrow at 3: the storage-scoped
// ExtractBindings) or under the current one.
import type { SerializedSchema, UnknownRecord } from "@tldraw/store";
import type { RoomSnapshot } from "../../src/storage/storage.ts";
import { geoShape, serverSchema } from "./records.ts";

/** Nested `levels` deep, built iteratively. */
function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

export const LONG_ID = `shape:${"l".repeat(600)}`;

/** A schema two migrations behind the server's. */
export function oldSchema(): SerializedSchema {
  const old = structuredClone(serverSchema) as SerializedSchema & {
    sequences: Record<string, number>;
  };
  old.sequences["com.tldraw.store"] = 4;
  old.sequences["com.tldraw.shape.arrow"] = 3;
  return old;
}

export const GOOD_IDS = ["document:document", "page:page", "shape:good"];

/** id → reason, when the stored schema is {@linkcode oldSchema} (`migrating`) or current. */
export function expectedSkips(migrating: boolean): Record<string, string> {
  return {
    "shape:invalid-props": "INVALID_RECORD",
    "thing:1": "UNKNOWN_TYPE",
    "shape:deep": "RECORD_TOO_DEEP",
    [LONG_ID.slice(0, 200) + "…"]: "ID_TOO_LONG",
    "shape:bogus": "INVALID_RECORD",
    "shape:index-not-a-string": migrating ? "MIGRATION_FAILED" : "INVALID_RECORD",
    "shape:arrow-without-terminals": migrating ? "MIGRATION_FAILED" : "INVALID_RECORD",
  };
}

/** The stored records: good ones, then bad ones (one has no string id at all). */
export function storedRecords(): unknown[] {
  const arrow = geoShape("shape:arrow-without-terminals", 0, 0, { type: "arrow", props: {} });
  return [
    { id: "document:document", typeName: "document", gridSize: 10, name: "", meta: {} },
    { id: "page:page", typeName: "page", name: "Page 1", index: "a1", meta: {} },
    geoShape("shape:good"),
    geoShape("shape:invalid-props", 0, 0, { props: { ...geoProps(), w: "wide" } }),
    { id: "thing:1", typeName: "thing", meta: {} },
    geoShape("shape:deep", 0, 0, { meta: deep(150) }),
    geoShape(LONG_ID),
    geoShape("shape:bogus", 0, 0, { type: "bogus" }),
    geoShape("shape:index-not-a-string", 0, 0, { index: 5 }),
    arrow,
    { id: 42, typeName: "shape" },
  ];
}

/** How many records {@linkcode storedRecords} holds that must be skipped. */
export const BAD_COUNT = 8;

function geoProps(): Record<string, unknown> {
  return (geoShape("x") as unknown as { props: Record<string, unknown> }).props;
}

/** The stored room as a snapshot. */
export function badSnapshot(migrating: boolean): RoomSnapshot {
  return {
    documentClock: 5,
    tombstoneHistoryStartsAtClock: 0,
    schema: migrating ? oldSchema() : serverSchema,
    documents: storedRecords().map((state) => ({
      state: state as UnknownRecord,
      lastChangedClock: 5,
    })),
    tombstones: { "shape:invalid-props": 3, "shape:gone": 4 },
  };
}
