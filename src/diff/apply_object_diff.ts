/**
 * Apply an ObjectDiff to a value without mutating it.
 * @module
 */
import isEqual from "fast-deep-equal";
import type { ObjectDiff, ValueOp } from "./network_diff.ts";

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Apply `diff` to `object`. Never mutates; returns the same reference when nothing changed.
 * `append` applies only when the current value is the same kind with length `offset`;
 * `patch` applies only to objects. Keys that could reach a prototype are ignored.
 * @throws {TypeError} when an op is malformed.
 */
export function applyObjectDiff<T extends object>(object: T, diff: ObjectDiff): T {
  if (typeof diff !== "object" || diff === null || Array.isArray(diff)) {
    throw new TypeError("Cannot apply diff: it is not an object");
  }
  const source = object as Record<string, unknown>;
  let out: Record<string, unknown> | unknown[] | null = null;
  const writable = (): Record<string, unknown> => {
    if (!out) out = Array.isArray(object) ? [...object] : { ...source };
    return out as Record<string, unknown>;
  };
  for (const key in diff) {
    if (!Object.hasOwn(diff, key) || FORBIDDEN_KEYS.has(key)) continue;
    const op = diff[key] as ValueOp;
    if (!Array.isArray(op)) {
      throw new TypeError(`Cannot apply diff: op for "${key}" is not an array`);
    }
    const current = Object.hasOwn(source, key) ? source[key] : undefined;
    switch (op[0]) {
      case "put": {
        if (op.length !== 2) throw new TypeError(`Cannot apply diff: bad put for "${key}"`);
        if (!Object.hasOwn(source, key) || !isEqual(current, op[1])) writable()[key] = op[1];
        break;
      }
      case "delete": {
        if (Object.hasOwn(source, key)) delete writable()[key];
        break;
      }
      case "append": {
        const [, value, offset] = op;
        if (typeof offset !== "number") {
          throw new TypeError(`Cannot apply diff: bad append for "${key}"`);
        }
        if (Array.isArray(current) && Array.isArray(value) && current.length === offset) {
          writable()[key] = [...current, ...value];
        } else if (
          typeof current === "string" && typeof value === "string" && current.length === offset
        ) {
          writable()[key] = current + value;
        }
        break;
      }
      case "patch": {
        const inner = op[1];
        if (typeof inner !== "object" || inner === null) {
          throw new TypeError(`Cannot apply diff: bad patch for "${key}"`);
        }
        if (current && typeof current === "object") {
          const next = applyObjectDiff(current, inner);
          if (next !== current) writable()[key] = next;
        }
        break;
      }
      default:
        throw new TypeError(`Cannot apply diff: unknown op for "${key}"`);
    }
  }
  return (out ?? object) as T;
}
