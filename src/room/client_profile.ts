/**
 * What a client can understand, read once from its `connect` message and then consulted by
 * every send. A profile answers three questions: how to refuse this client (a 4099 close, or the
 * `incompatibility_error` message that protocol 5/6 clients expect), whether it understands
 * string `append` ops (protocol 8) or needs whole-value puts (protocol 7), and at which schema it
 * reads records (`null`: the server's own, so nothing is ever migrated for it).
 *
 * Sessions whose profiles share an `audience` key receive byte-identical diffs, so a broadcast
 * is computed once per audience, not once per session.
 * @module
 */
import type { SerializedSchema } from "@tldraw/store";
import { CloseReason } from "../protocol/close_reason.ts";
import { ProtocolVersions } from "../protocol/version.ts";
import type { AnyStoreSchema } from "../schema/any_store_schema.ts";
import { judgeClientSchema } from "../schema/judge_client_schema.ts";
import type { DiffTarget } from "../schema/migrate_diff.ts";

/** Clients up to this protocol version expect `incompatibility_error` instead of a 4099 close. */
const LEGACY_REFUSAL_MAX_VERSION = 6;

/** How a session is told it is being refused. */
export const Farewell = {
  /** Close 4099 with the reason (protocol 7 and 8). */
  Close4099: "close_4099",
  /** Send `incompatibility_error`, then close plainly (protocol 5 and 6). */
  LegacyMessage: "legacy_message",
} as const;
/** A refusal style. */
export type Farewell = typeof Farewell[keyof typeof Farewell];

/** A connected client's capabilities. */
export interface ClientProfile {
  /** The protocol version the client announced. */
  readonly protocolVersion: number;
  /** True when the client applies string `append` ops. */
  readonly appendOps: boolean;
  /** The client's schema when records must be migrated for it; `null` when it is the server's. */
  readonly clientSchema: SerializedSchema | null;
  /** How diffs are shaped for this client. */
  readonly diffTarget: DiffTarget;
  /** Clients with the same audience receive identical diffs. */
  readonly audience: string;
}

/** The outcome of reading a `connect` message. */
export type ProfileVerdict =
  | { readonly accepted: true; readonly farewell: Farewell; readonly profile: ClientProfile }
  | { readonly accepted: false; readonly farewell: Farewell; readonly reason: string };

/** The server side of the handshake: its schema, live and serialized. */
export interface ServerSchemas {
  readonly schema: AnyStoreSchema;
  readonly serverSchema: SerializedSchema;
}

/** Read a client's protocol version and schema into a profile, or a refusal. */
export function profileClient(
  server: ServerSchemas,
  protocolVersion: unknown,
  clientSchema: unknown,
): ProfileVerdict {
  if (
    typeof protocolVersion !== "number" || !(protocolVersion >= ProtocolVersions.oldestAccepted)
  ) {
    return { accepted: false, farewell: Farewell.Close4099, reason: CloseReason.CLIENT_TOO_OLD };
  }
  if (protocolVersion > ProtocolVersions.spoken) {
    return { accepted: false, farewell: Farewell.Close4099, reason: CloseReason.SERVER_TOO_OLD };
  }
  const farewell = protocolVersion <= LEGACY_REFUSAL_MAX_VERSION
    ? Farewell.LegacyMessage
    : Farewell.Close4099;
  const verdict = judgeClientSchema(server.schema, server.serverSchema, clientSchema);
  if (verdict.kind === "client_too_old" || verdict.kind === "server_too_old") {
    const reason = verdict.kind === "client_too_old"
      ? CloseReason.CLIENT_TOO_OLD
      : CloseReason.SERVER_TOO_OLD;
    return { accepted: false, farewell, reason };
  }
  const schema = verdict.kind === "migratable" ? verdict.clientSchema : null;
  return { accepted: true, farewell, profile: buildProfile(protocolVersion, schema) };
}

function buildProfile(
  protocolVersion: number,
  clientSchema: SerializedSchema | null,
): ClientProfile {
  const appendOps = protocolVersion >= ProtocolVersions.textAppendsFrom;
  const diffTarget: DiffTarget = clientSchema
    ? { legacyAppend: !appendOps, sessionSchema: clientSchema }
    : { legacyAppend: !appendOps };
  const audience = `${appendOps ? "append" : "put"}|${
    clientSchema ? JSON.stringify(clientSchema) : "server"
  }`;
  return { protocolVersion, appendOps, clientSchema, diffTarget, audience };
}
