// Test-only: a seeded generator of JSON record pairs (before → after) for property tests.

/** A seeded PRNG (mulberry32): the same seed gives the same sequence on every runtime. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Bag = { [key: string]: Json };

const KEYS = ["a", "b", "c", "text", "list", "w", "h", "note", "points"];

/** Random JSON value, at most `depth` levels of nesting. */
export function randomValue(rand: () => number, depth: number): Json {
  const pick = Math.floor(rand() * (depth > 0 ? 7 : 4));
  switch (pick) {
    case 0:
      return Math.floor(rand() * 10);
    case 1:
      return randomText(rand);
    case 2:
      return rand() < 0.5;
    case 3:
      return null;
    case 4:
    case 5:
      return Array.from({ length: Math.floor(rand() * 6) }, () => randomValue(rand, depth - 1));
    default:
      return randomBag(rand, depth - 1);
  }
}

function randomText(rand: () => number): string {
  return "xyzé"[Math.floor(rand() * 4)]!.repeat(Math.floor(rand() * 4));
}

function randomBag(rand: () => number, depth: number): Bag {
  const bag: Bag = {};
  for (const key of KEYS) if (rand() < 0.35) bag[key] = randomValue(rand, depth);
  return bag;
}

/** A record-shaped value: id and typeName, a few plain fields, `props` and `meta`. */
export function randomRecord(rand: () => number): Bag {
  return {
    id: "shape:1",
    typeName: "shape",
    ...randomBag(rand, 2),
    props: randomBag(rand, 3),
    meta: randomBag(rand, 2),
  };
}

/** A changed copy of `value` (never mutates it): edits that favour appends and small patches. */
export function mutate(rand: () => number, value: Json, depth = 0): Json {
  if (typeof value === "string" && rand() < 0.6) return value + randomText(rand) + "+";
  if (Array.isArray(value)) return mutateList(rand, value, depth);
  if (value !== null && typeof value === "object" && depth < 4) {
    const copy: Bag = { ...value };
    const edits = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < edits; i++) {
      const key = KEYS[Math.floor(rand() * KEYS.length)]!;
      const roll = rand();
      if (roll < 0.2) delete copy[key];
      else if (roll < 0.7 && key in copy) copy[key] = mutate(rand, copy[key]!, depth + 1);
      else copy[key] = randomValue(rand, 2);
    }
    return copy;
  }
  return rand() < 0.5 ? randomValue(rand, 2) : Math.floor(rand() * 10);
}

function mutateList(rand: () => number, list: Json[], depth: number): Json {
  const roll = rand();
  if (roll < 0.35) {
    return [
      ...list,
      ...Array.from({ length: 1 + Math.floor(rand() * 2) }, () => randomValue(rand, 1)),
    ];
  }
  if (roll < 0.55 && list.length > 0) {
    const copy = list.slice();
    const at = Math.floor(rand() * copy.length);
    copy[at] = mutate(rand, copy[at]!, depth + 1);
    return copy;
  }
  if (roll < 0.7) return list.map((item) => rand() < 0.5 ? mutate(rand, item, depth + 1) : item);
  if (roll < 0.85) return list.slice(0, Math.floor(rand() * list.length));
  return randomValue(rand, 1);
}

/** A changed copy of a record from {@linkcode randomRecord}: plain fields, props and meta. */
export function mutateRecord(rand: () => number, record: Bag): Bag {
  const next: Bag = mutate(rand, record) as Bag;
  next.id = record.id!;
  next.typeName = record.typeName!;
  if (rand() < 0.8) next.props = mutate(rand, record.props!, 1);
  if (rand() < 0.5) next.meta = mutate(rand, record.meta!, 1);
  return next;
}

/** Recursively freeze `value`, so any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
