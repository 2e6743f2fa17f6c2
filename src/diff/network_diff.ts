/**
 * Diff shapes shared by the wire protocol and the engine.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";

/** Value-level op types. */
export const ValueOpType = {
  Put: "put",
  Delete: "delete",
  Append: "append",
  Patch: "patch",
} as const;
/** A value op type string. */
export type ValueOpType = typeof ValueOpType[keyof typeof ValueOpType];

/** Replace a value. */
export type PutOp = ["put", unknown];
/** Delete a key. */
export type DeleteOp = ["delete"];
/** Append to an array or string whose current length equals `offset`. */
export type AppendOp = ["append", unknown[] | string, number];
/** Recurse into an object. */
export type PatchOp = ["patch", ObjectDiff];
/** One value op. */
export type ValueOp = PutOp | DeleteOp | AppendOp | PatchOp;
/** A diff of an object's keys. */
export interface ObjectDiff {
  [key: string]: ValueOp;
}

/** Record-level op types. */
export const RecordOpType = {
  Put: "put",
  Patch: "patch",
  Remove: "remove",
} as const;
/** A record op type string. */
export type RecordOpType = typeof RecordOpType[keyof typeof RecordOpType];

/** One record op. */
export type RecordOp<R extends UnknownRecord = UnknownRecord> =
  | ["put", R]
  | ["patch", ObjectDiff]
  | ["remove"];

/** A diff of a whole store, keyed by record id. */
export interface NetworkDiff<R extends UnknownRecord = UnknownRecord> {
  [id: string]: RecordOp<R>;
}
