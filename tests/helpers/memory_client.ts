// Test-only: the official tldraw TLSyncClient (from @tldraw/sync-core, a test dependency)
// connected to a Room through an in-memory socket pair.
import "./dom_shims.ts";
import { atom } from "@tldraw/state";
import { Store, type UnknownRecord } from "@tldraw/store";
import { TLSyncClient } from "@tldraw/sync-core";
import { createTLSchema, InstancePresenceRecordType, type TLRecord } from "@tldraw/tlschema";
import type { Room } from "../../src/room/room.ts";
import type { SocketLike } from "../../src/ports/socket_like.ts";

type Listener<T> = (value: T) => void;
type Status = { status: "online" | "offline" } | { status: "error"; reason: string };

/** The server end of one in-memory connection. */
class ServerEnd implements SocketLike {
  readyState = 1;
  constructor(private client: MemoryClientSocket) {}
  send(data: string): void {
    if (this.readyState !== 1) throw new Error("closed");
    const client = this.client;
    queueMicrotask(() => client.deliver(this, data));
  }
  close(code?: number, reason?: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    const client = this.client;
    queueMicrotask(() => client.serverClosed(this, code, reason));
  }
}

/** A TLPersistentClientSocket wired straight into a Room. */
export class MemoryClientSocket {
  connectionStatus: "online" | "offline" | "error" = "offline";
  #messageListeners = new Set<Listener<unknown>>();
  #statusListeners = new Set<Listener<Status>>();
  #end: ServerEnd | null = null;
  #closed = false;
  constructor(private room: Room, readonly sessionId: string) {}

  connect(): void {
    if (this.#closed) return;
    const end = new ServerEnd(this);
    this.#end = end;
    this.room.handleSocketConnect({ sessionId: this.sessionId, socket: end });
    this.#setStatus({ status: "online" });
  }

  /** Simulate a network drop (the server sees a close). */
  disconnect(): void {
    const end = this.#end;
    if (!end) return;
    this.#end = null;
    end.readyState = 3;
    this.room.handleSocketClose(this.sessionId, end);
    this.#setStatus({ status: "offline" });
  }

  deliver(end: ServerEnd, data: string): void {
    if (end !== this.#end) return;
    const msg = JSON.parse(data);
    for (const l of this.#messageListeners) l(msg);
  }

  serverClosed(end: ServerEnd, code?: number, reason?: string): void {
    if (end !== this.#end) return;
    this.#end = null;
    this.room.handleSocketClose(this.sessionId, end);
    if (code === 4099) this.#setStatus({ status: "error", reason: reason ?? "UNKNOWN_ERROR" });
    else this.#setStatus({ status: "offline" });
  }

  sendMessage(msg: unknown): void {
    const end = this.#end;
    if (!end) return;
    const text = JSON.stringify(msg);
    queueMicrotask(() => {
      if (end.readyState === 1) this.room.handleSocketMessage(this.sessionId, text, end);
    });
  }

  onReceiveMessage = (cb: Listener<unknown>): () => void => {
    this.#messageListeners.add(cb);
    return () => this.#messageListeners.delete(cb);
  };

  onStatusChange = (cb: Listener<Status>): () => void => {
    this.#statusListeners.add(cb);
    return () => this.#statusListeners.delete(cb);
  };

  restart(): void {
    this.disconnect();
    this.connect();
  }

  close(): void {
    this.disconnect();
    this.#closed = true;
  }

  #setStatus(status: Status): void {
    this.connectionStatus = status.status;
    for (const l of this.#statusListeners) l(status);
  }
}

export interface OfficialClient {
  store: Store<TLRecord>;
  socket: MemoryClientSocket;
  client: TLSyncClient<TLRecord>;
  errors: string[];
  loaded: Promise<void>;
  presence: ReturnType<typeof atom<TLRecord | null>>;
  close(): void;
}

/** Make a store the way tldraw does (minus the editor). */
export function makeStore(schema = createTLSchema()): Store<TLRecord> {
  return new Store<TLRecord>({
    schema: schema as never,
    props: {
      defaultName: "",
      assets: {
        upload: () => Promise.resolve({ src: "" }),
        resolve: () => null,
        remove: () => Promise.resolve(),
      },
      onMount: () => {},
    },
  });
}

/** Connect an official client to `room`. */
export function connectOfficialClient(
  room: Room,
  sessionId: string,
  opts: { schema?: ReturnType<typeof createTLSchema>; userName?: string } = {},
): OfficialClient {
  const store = makeStore(opts.schema);
  const socket = new MemoryClientSocket(room, sessionId);
  const errors: string[] = [];
  const presence = atom<TLRecord | null>(
    "presence",
    InstancePresenceRecordType.create({
      id: InstancePresenceRecordType.createId(sessionId),
      userId: `user:${sessionId}` as never,
      userName: opts.userName ?? sessionId,
      currentPageId: "page:page" as never,
    }) as TLRecord,
  );
  let resolveLoaded!: () => void;
  const loaded = new Promise<void>((r) => (resolveLoaded = r));
  socket.connect();
  const client = new TLSyncClient<TLRecord>({
    store,
    socket: socket as never,
    presence,
    onLoad: () => resolveLoaded(),
    onSyncError: (reason) => errors.push(reason),
  });
  return {
    store,
    socket,
    client,
    errors,
    loaded,
    presence,
    close: () => {
      client.close();
      socket.close();
    },
  };
}

/** Document records of a store, sorted by id, for convergence checks. */
export function documentsOf(store: Store<TLRecord>): UnknownRecord[] {
  return store.allRecords()
    .filter((r) => ["document", "page", "shape", "asset", "binding"].includes(r.typeName))
    .sort((a, b) => (a.id < b.id ? -1 : 1)) as UnknownRecord[];
}

/** Wait until `check` returns true, polling on real timers (bounded). */
export async function waitFor(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
