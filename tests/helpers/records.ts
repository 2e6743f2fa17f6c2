// Test-only: valid tldraw records built by hand (tlschema has validators, not defaults).
import type { UnknownRecord } from "@tldraw/store";
import { createTLSchema, toRichText } from "@tldraw/tlschema";

export const schema = createTLSchema();
export const serverSchema = schema.serialize();

/** A valid geo (rectangle) shape on page:page. */
export function geoShape(
  id: string,
  x = 0,
  y = 0,
  extra: Record<string, unknown> = {},
): UnknownRecord {
  return {
    id,
    typeName: "shape",
    type: "geo",
    x,
    y,
    rotation: 0,
    index: "a1",
    parentId: "page:page",
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      geo: "rectangle",
      dash: "draw",
      url: "",
      w: 100,
      h: 100,
      growY: 0,
      scale: 1,
      flipX: false,
      flipY: false,
      labelColor: "black",
      color: "black",
      fill: "none",
      size: "m",
      font: "draw",
      align: "middle",
      verticalAlign: "middle",
      richText: toRichText(""),
    },
    ...extra,
  } as unknown as UnknownRecord;
}

/** A valid instance_presence record. */
export function presence(id: string, x = 0, y = 0): UnknownRecord {
  return {
    id,
    typeName: "instance_presence",
    userId: "user:u",
    userName: "U",
    lastActivityTimestamp: null,
    color: "#FF0000",
    camera: null,
    selectedShapeIds: [],
    currentPageId: "page:page",
    brush: null,
    scribbles: [],
    screenBounds: null,
    followingUserId: null,
    cursor: { x, y, type: "default", rotation: 0 },
    chatMessage: "",
    meta: {},
  } as unknown as UnknownRecord;
}
