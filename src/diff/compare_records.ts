/**
 * Record comparison: turns two versions of a record into the protocol's ObjectDiff.
 *
 * Design: one recursive {@linkcode compareValues} decides the op for a pair of values by their
 * kinds (text, list, field bag, other), and {@linkcode compareFields} walks the fields of two bags
 * and feeds the ops into a {@linkcode DiffBuilder}. Whether a pair of field bags is entered (and
 * answered with a `patch` of its fields) or compared as one value (and answered with a `put`) is a
 * {@linkcode Depth} passed down. Entering goes one level only: the fields of an entered bag are
 * compared `Whole`. Bags are entered in exactly three places: a record's `props`, its `meta`
 * (depth `Enter`), and the items of a list being patched (depth `Item`). Lists are never put
 * whole when a smaller op describes the change, at any depth; text is appended to everywhere
 * except as a list item.
 *
 * The op chosen for each case is part of the wire contract, not a free choice: the room answers
 * a push with `commit` only when its own diff of the applied change equals the diff the client
 * sent, so these rules are the ones tldraw clients use (tests/diff checks them against the
 * client's own functions on random record pairs):
 *
 * - text: a longer text that starts with the old one is an `append` of the tail at the old
 *   length, unless it is a list item or the peer cannot take text appends (protocol 7): `put`;
 * - lists: growth with an unchanged prefix is an `append` of the new items at the old length;
 *   equal length with at most max(length / 5, 1) changed items is a `patch` of those indices;
 *   anything else is a `put` of the new list;
 * - field bags: entered ones give a `patch` of their changed fields; others a `put` when not
 *   deep-equal (a list and a bag are never patched into each other);
 * - a field that is absent or `undefined` on one side is a `delete` or a `put`.
 * @module
 */
import isEqual from "fast-deep-equal";
import { DiffBuilder } from "./diff_builder.ts";
import type { ObjectDiff, ValueOp } from "./network_diff.ts";

/** Options for {@linkcode compareRecords}. */
export interface CompareOptions {
  /** The peer applies `append` ops to text (protocol 8). When false, changed text is `put`. */
  textAppends: boolean;
}

/** Options for {@linkcode compareValues}. */
export interface CompareValueOptions extends CompareOptions {
  /** How far plain objects are entered. */
  depth: Depth;
}

/** How far a comparison enters plain objects. */
export const Depth = {
  /** Plain objects are compared as one value: equal, or `put`. */
  Whole: "whole",
  /** Plain objects are entered: a `patch` of their fields, each compared `Whole`. */
  Enter: "enter",
  /** A list item: entered like `Enter`, but changed text is `put`, never appended. */
  Item: "item",
} as const;
/** A comparison depth. */
export type Depth = typeof Depth[keyof typeof Depth];

/** The record fields whose objects are entered. */
const ENTERED_RECORD_FIELDS: ReadonlySet<string> = new Set(["props", "meta"]);

/** The ObjectDiff from `before` to `after`, or `null` when they are the same. */
export function compareRecords(
  before: object,
  after: object,
  options: CompareOptions,
): ObjectDiff | null {
  if (before === after) return null;
  return compareFields(before, after, recordFieldDepth, options);
}

function recordFieldDepth(field: string): Depth {
  return ENTERED_RECORD_FIELDS.has(field) ? Depth.Enter : Depth.Whole;
}

function wholeDepth(): Depth {
  return Depth.Whole;
}

/** The op that turns `before` into `after`, or `null` when they are deep-equal. */
export function compareValues(
  before: unknown,
  after: unknown,
  options: CompareValueOptions,
): ValueOp | null {
  if (before === after) return null;
  const depth = options.depth;
  if (typeof before === "string" && typeof after === "string") {
    return compareText(before, after, options.textAppends && depth !== Depth.Item);
  }
  if (Array.isArray(before) && Array.isArray(after)) return compareLists(before, after, options);
  if (depth !== Depth.Whole && isFieldBag(before) && isFieldBag(after)) {
    const inner = compareFields(before, after, wholeDepth, options);
    return inner === null ? null : ["patch", inner];
  }
  return isEqual(before, after) ? null : ["put", after];
}

function compareFields(
  before: object,
  after: object,
  depthOf: (field: string) => Depth,
  options: CompareOptions,
): ObjectDiff | null {
  const old = before as Record<string, unknown>;
  const now = after as Record<string, unknown>;
  const builder = new DiffBuilder();
  for (const field of Object.keys(now)) {
    const value = now[field];
    if (value === undefined) continue;
    const previous = Object.hasOwn(old, field) ? old[field] : undefined;
    const depth = depthOf(field);
    const op: ValueOp | null = previous === undefined
      ? ["put", value]
      : compareValues(previous, value, { depth, textAppends: options.textAppends });
    builder.emit(field, op);
  }
  for (const field of Object.keys(old)) {
    if (old[field] === undefined) continue;
    if (!Object.hasOwn(now, field) || now[field] === undefined) builder.emit(field, ["delete"]);
  }
  return builder.finish();
}

function compareText(before: string, after: string, textAppends: boolean): ValueOp {
  const grew = textAppends && after.length > before.length && after.startsWith(before);
  return grew ? ["append", after.slice(before.length), before.length] : ["put", after];
}

/** The list rule (see the module doc). */
function compareLists(
  before: unknown[],
  after: unknown[],
  options: CompareOptions,
): ValueOp | null {
  if (after.length < before.length) return ["put", after];
  const grows = after.length > before.length;
  // Growth needs an untouched prefix; a same-length edit may touch a fifth of the items.
  const allowed = grows ? 0 : Math.max(before.length / 5, 1);
  const touched = changedIndices(before, after, allowed);
  if (touched === null) return ["put", after];
  if (grows) return ["append", after.slice(before.length), before.length];
  if (touched.length === 0) return null;
  const builder = new DiffBuilder();
  const itemOptions = { depth: Depth.Item, textAppends: options.textAppends };
  for (const index of touched) {
    builder.emit(String(index), compareValues(before[index], after[index], itemOptions));
  }
  return ["patch", builder.finish()!];
}

/** Indices below `before.length` whose items differ, or `null` once more than `allowed` do. */
function changedIndices(before: unknown[], after: unknown[], allowed: number): number[] | null {
  const touched: number[] = [];
  for (let index = 0; index < before.length; index++) {
    if (isEqual(before[index], after[index])) continue;
    touched.push(index);
    if (touched.length > allowed) return null;
  }
  return touched;
}

function isFieldBag(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
