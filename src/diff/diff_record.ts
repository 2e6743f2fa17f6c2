/**
 * Compute the difference between two versions of a record, as the protocol's ObjectDiff.
 * @module
 */
import isEqual from "fast-deep-equal";
import type { ObjectDiff, ValueOp } from "./network_diff.ts";

/**
 * Diff `prev` → `next`. Only `props` and `meta` recurse; other top-level keys are put whole,
 * except strings and arrays, which may append. With `legacyAppendMode`, string appends become
 * puts (protocol 7 peers cannot apply them). Returns `null` when nothing changed.
 */
export function diffRecord(
  prev: object,
  next: object,
  legacyAppendMode = false,
): ObjectDiff | null {
  return diffObject(prev, next, NESTED_KEYS, legacyAppendMode);
}

const NESTED_KEYS = new Set(["props", "meta"]);

function diffObject(
  prev: object,
  next: object,
  nestedKeys: Set<string> | null,
  legacy: boolean,
): ObjectDiff | null {
  if (prev === next) return null;
  const a = prev as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  let result: ObjectDiff | null = null;
  for (const key in a) {
    if (!Object.hasOwn(a, key) || a[key] === undefined) continue;
    if (!Object.hasOwn(b, key) || b[key] === undefined) {
      (result ??= {})[key] = ["delete"];
    }
  }
  for (const key in b) {
    if (!Object.hasOwn(b, key)) continue;
    const nextValue = b[key];
    if (nextValue === undefined) continue;
    const prevValue = Object.hasOwn(a, key) ? a[key] : undefined;
    if (prevValue === undefined) {
      (result ??= {})[key] = ["put", nextValue];
      continue;
    }
    if (prevValue === nextValue) continue;
    let op: ValueOp | null;
    if (nestedKeys === null || nestedKeys.has(key)) {
      op = diffNested(prevValue, nextValue, legacy);
    } else {
      op = diffValue(prevValue, nextValue, legacy);
    }
    if (op) (result ??= {})[key] = op;
  }
  return result;
}

/** Inside props/meta: objects recurse; null and primitives are put. */
function diffNested(prev: unknown, next: unknown, legacy: boolean): ValueOp | null {
  if (isPlainObject(prev) && isPlainObject(next)) {
    const inner = diffObject(prev, next, null, legacy);
    return inner ? ["patch", inner] : null;
  }
  return diffValue(prev, next, legacy);
}

/** A value op for one changed value, or null when they are deep-equal. */
export function diffValue(prev: unknown, next: unknown, legacy: boolean): ValueOp | null {
  if (prev === next) return null;
  if (typeof prev === "string" && typeof next === "string") {
    if (!legacy && next.length > prev.length && next.startsWith(prev)) {
      return ["append", next.slice(prev.length), prev.length];
    }
    return ["put", next];
  }
  if (Array.isArray(prev) && Array.isArray(next)) return diffArray(prev, next, legacy);
  if (isPlainObject(prev) && isPlainObject(next)) {
    return isEqual(prev, next) ? null : ["put", next];
  }
  return isEqual(prev, next) ? null : ["put", next];
}

function diffArray(prev: unknown[], next: unknown[], legacy: boolean): ValueOp | null {
  if (prev.length === next.length) {
    const maxChanged = Math.max(prev.length / 5, 1);
    let changed = 0;
    for (let i = 0; i < prev.length; i++) {
      if (!isEqual(prev[i], next[i])) {
        changed++;
        if (changed > maxChanged) return ["put", next];
      }
    }
    if (changed === 0) return null;
    const patch: ObjectDiff = {};
    for (let i = 0; i < prev.length; i++) {
      if (isEqual(prev[i], next[i])) continue;
      const op = diffValue(prev[i], next[i], legacy);
      if (op) patch[i] = op;
    }
    return ["patch", patch];
  }
  if (next.length > prev.length) {
    for (let i = 0; i < prev.length; i++) {
      if (!isEqual(prev[i], next[i])) return ["put", next];
    }
    return ["append", next.slice(prev.length), prev.length];
  }
  return ["put", next];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
