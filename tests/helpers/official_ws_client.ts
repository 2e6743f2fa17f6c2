// Test-only: the official TLSyncClient with its own ClientWebSocketAdapter (both from
// @tldraw/sync-core, a test dependency) talking to a real server over a real WebSocket.
import "./dom_shims.ts";
import { atom } from "@tldraw/state";
import * as syncCore from "@tldraw/sync-core";
import { InstancePresenceRecordType, type TLRecord } from "@tldraw/tlschema";
import type { Store } from "@tldraw/store";
import { makeStore } from "./memory_client.ts";

// deno-lint-ignore no-explicit-any
const { TLSyncClient, ClientWebSocketAdapter } = syncCore as any;

export interface WsClient {
  store: Store<TLRecord>;
  errors: string[];
  loaded: Promise<void>;
  // deno-lint-ignore no-explicit-any
  client: any;
  close(): void;
}

/** Connect like `useSync` does: `${uri}?sessionId=…&storeId=…`. */
export function connectWsClient(uri: string, sessionId: string): WsClient {
  const store = makeStore();
  const errors: string[] = [];
  const socket = new ClientWebSocketAdapter(() =>
    `${uri}${uri.includes("?") ? "&" : "?"}sessionId=${sessionId}&storeId=${crypto.randomUUID()}`
  );
  const presence = atom<TLRecord | null>(
    "presence",
    InstancePresenceRecordType.create({
      id: InstancePresenceRecordType.createId(sessionId),
      userId: `user:${sessionId}` as never,
      userName: sessionId,
      currentPageId: "page:page" as never,
    }) as TLRecord,
  );
  let resolveLoaded!: () => void;
  const loaded = new Promise<void>((r) => (resolveLoaded = r));
  const client = new TLSyncClient({
    store,
    socket,
    presence,
    onLoad: () => resolveLoaded(),
    onSyncError: (reason: string) => errors.push(reason),
  });
  return {
    store,
    errors,
    loaded,
    client,
    close: () => {
      client.close();
      socket.close();
    },
  };
}
