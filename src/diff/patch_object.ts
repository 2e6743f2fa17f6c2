/**
 * Applies an ObjectDiff to a value, copy-on-write.
 *
 * Design: each op kind has one entry in {@linkcode OP_HANDLERS}, a function from the field's
 * current value and the op to the field's outcome: a new value, {@linkcode KEEP} (leave the
 * field as it is) or {@linkcode DROP} (remove it). {@linkcode patchObject} walks the diff, asks
 * the handler and copies the target only when the first outcome changes something, so an
 * ineffective diff returns the very same object. Fields that could reach a prototype
 * (`__proto__`, `constructor`, `prototype`) are skipped. Ops that do not fit the current value
 * (an `append` whose offset is not the current length, a `patch` of a non-object) are skipped
 * too, as tldraw clients do; an op that is malformed throws. In an array a diff may only name
 * canonical indices up to the array's length (a put there appends one element) and may not
 * delete one: anything else (`length`, `"01"`, an index past the end, a named field) would make
 * the array sparse or give it fields JSON never shows (so no size cap would count them), and is
 * malformed.
 * @module
 */
import isEqual from "fast-deep-equal";
import type { ObjectDiff, ValueOp } from "./network_diff.ts";

/** Outcome of one op: leave the field unchanged. */
const KEEP: unique symbol = Symbol("keep");
/** Outcome of one op: remove the field. */
const DROP: unique symbol = Symbol("drop");
type Outcome = unknown;

type Handler = (current: unknown, present: boolean, op: readonly unknown[]) => Outcome;

const UNSAFE_FIELDS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** One handler per op kind (the first element of a ValueOp). */
const OP_HANDLERS: Readonly<Record<string, Handler>> = {
  put(current, present, op) {
    if (op.length !== 2) throw malformed("a put carries exactly one value");
    return present && isEqual(current, op[1]) ? KEEP : op[1];
  },
  delete(_current, present) {
    return present ? DROP : KEEP;
  },
  append(current, _present, op) {
    const [, tail, offset] = op;
    if (typeof offset !== "number") throw malformed("an append needs a numeric offset");
    if (typeof current === "string" && typeof tail === "string" && current.length === offset) {
      return current + tail;
    }
    if (Array.isArray(current) && Array.isArray(tail) && current.length === offset) {
      return current.concat(tail);
    }
    return KEEP;
  },
  patch(current, _present, op) {
    const inner = op[1];
    if (typeof inner !== "object" || inner === null) throw malformed("a patch needs a diff");
    if (typeof current !== "object" || current === null) return KEEP;
    const next = patchObject(current, inner as ObjectDiff);
    return next === current ? KEEP : next;
  },
};

/**
 * `target` with `diff` applied. Never mutates `target`; returns it unchanged (same reference)
 * when no op had an effect. Arrays stay arrays.
 * @throws {TypeError} when the diff or one of its ops is malformed.
 */
export function patchObject<T extends object>(target: T, diff: ObjectDiff): T {
  if (typeof diff !== "object" || diff === null || Array.isArray(diff)) {
    throw malformed("the diff is not an object");
  }
  if (Array.isArray(target)) return patchArray(target, diff) as T;
  const source = target as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  for (const field of Object.keys(diff)) {
    if (UNSAFE_FIELDS.has(field)) continue;
    const outcome = outcomeOf(source, field, diff[field]);
    if (outcome === KEEP) continue;
    copy ??= { ...source };
    if (outcome === DROP) delete copy[field];
    else copy[field] = outcome;
  }
  return (copy ?? target) as T;
}

/** {@linkcode patchObject} for an array: indices only, up to its length, never a hole. */
function patchArray(target: unknown[], diff: ObjectDiff): unknown[] {
  let copy: unknown[] | null = null;
  // Object.keys lists canonical indices first, ascending, so puts at the end append in order.
  for (const field of Object.keys(diff)) {
    const current = copy ?? target;
    const index = arrayIndex(field);
    if (index < 0 || index > current.length) {
      throw malformed(`"${field.slice(0, 20)}" is not an index of the array`);
    }
    const outcome = outcomeOf(current as unknown as Record<string, unknown>, field, diff[field]);
    if (outcome === KEEP) continue;
    if (outcome === DROP) throw malformed(`deleting index ${index} would leave a hole`);
    copy ??= target.slice();
    copy[index] = outcome;
  }
  return copy ?? target;
}

/** Most digits of a field taken as an array index (arrays are far shorter than 10^10). */
const MAX_INDEX_DIGITS = 10;

/** `field` as a canonical array index ("0", "17"; not "01", "-1", "1e3", "length"), or -1. */
function arrayIndex(field: string): number {
  if (field.length === 0 || field.length > MAX_INDEX_DIGITS) return -1;
  if (field.length > 1 && field.charCodeAt(0) === 48) return -1; // a leading "0"
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return Number(field);
}

function outcomeOf(source: Record<string, unknown>, field: string, op: ValueOp): Outcome {
  if (!Array.isArray(op)) throw malformed(`the op for "${field}" is not a list`);
  const handler = typeof op[0] === "string" && Object.hasOwn(OP_HANDLERS, op[0])
    ? OP_HANDLERS[op[0]]!
    : undefined;
  if (!handler) throw malformed(`"${String(op[0])}" is not an op (field "${field}")`);
  const present = Object.hasOwn(source, field);
  return handler(present ? source[field] : undefined, present, op);
}

function malformed(what: string): TypeError {
  return new TypeError(`Malformed diff: ${what}`);
}
