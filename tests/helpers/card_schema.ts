// Test-only: a custom "card" shape whose props gained a field in v2, so a v1 client
// exercises down-migration (server → client) and up-migration (client → server).
import {
  createShapePropsMigrationIds,
  createShapePropsMigrationSequence,
  createTLSchema,
  defaultShapeSchemas,
} from "@tldraw/tlschema";
import { T } from "@tldraw/validate";
import type { UnknownRecord } from "@tldraw/store";

const ids = createShapePropsMigrationIds("card", { AddColor: 1, AddStars: 2 });

function cardSchema(version: 1 | 2) {
  const sequence = [
    {
      id: ids.AddColor,
      up: (props: Record<string, unknown>) => {
        props["color"] = "red";
      },
      down: (props: Record<string, unknown>) => {
        delete props["color"];
      },
    },
    {
      id: ids.AddStars,
      up: (props: Record<string, unknown>) => {
        props["stars"] = 0;
      },
      down: (props: Record<string, unknown>) => {
        delete props["stars"];
      },
    },
  ].slice(0, version);
  const props: Record<string, typeof T.string | typeof T.number> = {
    label: T.string,
    color: T.string,
  };
  if (version === 2) props["stars"] = T.number;
  return createTLSchema({
    shapes: {
      ...defaultShapeSchemas,
      card: { props, migrations: createShapePropsMigrationSequence({ sequence }) },
    },
  });
}

/** Server schema: card v2 (has `stars`). */
export const cardSchemaV2 = cardSchema(2);
/** Older client schema: card v1 (no `stars`). */
export const cardSchemaV1 = cardSchema(1);

/** A card shape record at v1 or v2. */
export function card(id: string, label: string, version: 1 | 2, stars = 0): UnknownRecord {
  const props: Record<string, unknown> = { label, color: "red" };
  if (version === 2) props["stars"] = stars;
  return {
    id,
    typeName: "shape",
    type: "card",
    x: 0,
    y: 0,
    rotation: 0,
    index: "a1",
    parentId: "page:page",
    isLocked: false,
    opacity: 1,
    meta: {},
    props,
  } as unknown as UnknownRecord;
}
