/**
 * The connect-time schema gate, as a verdict on the client's serialized schema.
 *
 * Design: the client's schema is read as a set of migration sequences, each at a version, and
 * compared with the server's sequence by sequence. A client that is ahead anywhere (a newer
 * serialization format, or a later version of a sequence both sides know) is judged before any
 * migration is planned: the server is too old. Otherwise the store's migration plan from the
 * client's schema to ours decides: no plan means the client is too old, except that a client
 * carrying sequences the server has never heard of is then taken to be ahead; a plan is usable
 * only if every step can run backwards on single records (record-scoped with a `down`), because
 * the room must translate each record down to the client's version. An empty plan needs no
 * translation at all.
 *
 * The verdict names the sequence (or migration) that decided it, so hosts can log why.
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import isEqual from "fast-deep-equal";
import type { AnyStoreSchema } from "./any_store_schema.ts";

/** The gate's verdict on a client schema. */
export type SchemaVerdict =
  /** Records pass unchanged (the schemas are equal, or no migration lies between them). */
  | { kind: "same" }
  /** Records must be migrated down to `clientSchema` for this client (`steps` migrations). */
  | { kind: "migratable"; clientSchema: SerializedSchema; steps: number }
  /** The client must upgrade (close reason `CLIENT_TOO_OLD`). */
  | { kind: "client_too_old"; sequence: string | null; detail: string }
  /** The server must upgrade (close reason `SERVER_TOO_OLD`). */
  | { kind: "server_too_old"; sequence: string | null; detail: string };

/** The kinds of {@linkcode SchemaVerdict}. */
export type SchemaVerdictKind = SchemaVerdict["kind"];

/**
 * Judge `clientSchema` (untrusted: straight from the `connect` message) against `schema`, whose
 * serialized form is `serverSchema`.
 */
export function judgeClientSchema(
  schema: AnyStoreSchema,
  serverSchema: SerializedSchema,
  clientSchema: unknown,
): SchemaVerdict {
  if (!looksSerialized(clientSchema)) return clientTooOld(null, "no usable schema");
  if (isEqual(clientSchema, serverSchema)) return { kind: "same" };
  const lead = firstLead(serverSchema, clientSchema);
  if (lead) return lead;
  let plan;
  try {
    plan = schema.getMigrationsSince(clientSchema);
  } catch {
    plan = null; // an unreadable schema has no plan
  }
  if (!plan || !plan.ok) return withoutPlan(serverSchema, clientSchema);
  const blocker = plan.value.find((step) => step.scope !== "record" || !step.down);
  if (blocker) return clientTooOld(sequenceOf(blocker.id), `${blocker.id} cannot run down`);
  if (plan.value.length === 0) return { kind: "same" };
  return {
    kind: "migratable",
    clientSchema: canonical(serverSchema, clientSchema),
    steps: plan.value.length,
  };
}

/**
 * The part of a v2 client schema that migrations read: its version of each sequence the server
 * knows, in the server's order. Anything else the client sent (extra fields, sequences only it
 * knows) is dropped, so equal schemas compare and key equal (sessions are grouped by it).
 */
function canonical(server: SerializedSchema, client: SerializedSchema): SerializedSchema {
  if (client.schemaVersion !== 2 || server.schemaVersion !== 2) return client;
  const sequences: Record<string, number> = {};
  for (const sequence of Object.keys(server.sequences)) {
    if (Object.hasOwn(client.sequences, sequence)) {
      sequences[sequence] = client.sequences[sequence] as number;
    }
  }
  return { schemaVersion: 2, sequences };
}

/** A server-too-old verdict when the client is ahead in format or in a shared sequence. */
function firstLead(server: SerializedSchema, client: SerializedSchema): SchemaVerdict | null {
  if (Number(client.schemaVersion) > server.schemaVersion) {
    return serverTooOld(null, `schema format ${client.schemaVersion}`);
  }
  if (client.schemaVersion !== 2 || server.schemaVersion !== 2) return null;
  for (const [sequence, version] of Object.entries(client.sequences)) {
    const ours = server.sequences[sequence];
    if (ours !== undefined && Number(version) > ours) {
      return serverTooOld(sequence, `${sequence} at ${version}, server at ${ours}`);
    }
  }
  return null;
}

/** No migration plan exists: sequences only the client knows mean it is ahead. */
function withoutPlan(server: SerializedSchema, client: SerializedSchema): SchemaVerdict {
  if (client.schemaVersion === 2 && server.schemaVersion === 2) {
    const unknown = Object.keys(client.sequences).find((s) => !Object.hasOwn(server.sequences, s));
    if (unknown !== undefined) return serverTooOld(unknown, `${unknown} is unknown to the server`);
  }
  return clientTooOld(null, "no migration path to the server's schema");
}

/** `"com.tldraw.shape.geo/3"` → `"com.tldraw.shape.geo"`. */
function sequenceOf(migrationId: string): string {
  const slash = migrationId.lastIndexOf("/");
  return slash < 0 ? migrationId : migrationId.slice(0, slash);
}

function clientTooOld(sequence: string | null, detail: string): SchemaVerdict {
  return { kind: "client_too_old", sequence, detail };
}

function serverTooOld(sequence: string | null, detail: string): SchemaVerdict {
  return { kind: "server_too_old", sequence, detail };
}

/** The two serialized-schema shapes: v2 `sequences`, or v1 `recordVersions`. */
function looksSerialized(value: unknown): value is SerializedSchema {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { schemaVersion?: unknown; sequences?: unknown; recordVersions?: unknown };
  if (v.schemaVersion === 2) return typeof v.sequences === "object" && v.sequences !== null;
  return typeof v.schemaVersion === "number" && typeof v.recordVersions === "object";
}
