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
 * too, as tldraw clients do; an op that is malformed throws.
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
  const source = target as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  for (const field of Object.keys(diff)) {
    if (UNSAFE_FIELDS.has(field)) continue;
    const outcome = outcomeOf(source, field, diff[field]);
    if (outcome === KEEP) continue;
    copy ??= (Array.isArray(target) ? target.slice() : { ...source }) as Record<string, unknown>;
    if (outcome === DROP) delete copy[field];
    else copy[field] = outcome;
  }
  return (copy ?? target) as T;
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
