/**
 * Fair admission of sockets before they become sessions. Per client address: open sockets,
 * sockets awaiting `connect` (in all and in one room), and the rate of loading rooms that are not
 * live. Per room: sockets awaiting `connect` (they do not take seats; only sessions that completed
 * `connect` count toward `maxSessionsPerRoom`). Every map drops a key when its count returns to
 * zero.
 * @module
 */
import type { TimeSource } from "../ports/time_source.ts";
import type { ResolvedLimits } from "./server_options.ts";
import { TokenBuckets } from "./token_buckets.ts";

/** Why a socket was not admitted: which limit, its value, and when to retry. */
export interface Refusal {
  what:
    | "sockets_per_address"
    | "pending_per_address"
    | "pending_per_address_in_room"
    | "pending_per_room"
    | "new_rooms_per_minute";
  limit: number;
  retryAfterSeconds: number;
}

/** One admitted socket's place in the counts; release it exactly once. */
export interface AdmissionTicket {
  /** The session completed its handshake: it no longer counts as pending. Idempotent. */
  handshakeDone(): void;
  /** The socket closed. Idempotent. */
  release(): void;
}

/** Seconds a refused client should wait before retrying a socket cap. */
const SOCKET_CAP_RETRY_SECONDS = 5;

/** Counts and caps for one server. */
export class Admission {
  #limits: ResolvedLimits;
  #sockets = new CountMap();
  #pendingByAddress = new CountMap();
  #pendingByRoom = new CountMap();
  /** Keyed `<address key> <room id>` (room ids hold no space). */
  #pendingByAddressInRoom = new CountMap();
  #newRooms: TokenBuckets;
  /** The three counts a ticket gives back (one object shared by every ticket). */
  #counts: TicketCounts = {
    sockets: this.#sockets,
    pendingByAddress: this.#pendingByAddress,
    pendingByRoom: this.#pendingByRoom,
    pendingByAddressInRoom: this.#pendingByAddressInRoom,
  };

  /** Admission under `limits`. */
  constructor(limits: ResolvedLimits, time: TimeSource) {
    this.#limits = limits;
    this.#newRooms = new TokenBuckets(limits.newRoomsPerMinute, limits.newRoomBurst, time);
  }

  /** The address-level caps; none for an unknown address (`null`). */
  checkAddress(key: string | null): Refusal | null {
    const l = this.#limits;
    if (key === null) return null;
    if (this.#sockets.get(key) >= l.maxSocketsPerAddress) {
      return refusal("sockets_per_address", l.maxSocketsPerAddress, SOCKET_CAP_RETRY_SECONDS);
    }
    if (this.#pendingByAddress.get(key) >= l.maxPendingPerAddress) {
      return refusal("pending_per_address", l.maxPendingPerAddress, SOCKET_CAP_RETRY_SECONDS);
    }
    return null;
  }

  /** The cap on one address's sockets awaiting `connect` in `roomId`; none for `null`. */
  checkAddressInRoom(key: string | null, roomId: string): Refusal | null {
    if (key === null) return null;
    const max = this.#limits.maxPendingPerAddressInRoom;
    if (this.#pendingByAddressInRoom.get(`${key} ${roomId}`) < max) return null;
    return refusal("pending_per_address_in_room", max, SOCKET_CAP_RETRY_SECONDS);
  }

  /** The room-level cap on sockets awaiting `connect`. */
  checkRoom(roomId: string): Refusal | null {
    const max = this.#limits.maxPendingPerRoom;
    if (this.#pendingByRoom.get(roomId) < max) return null;
    return refusal("pending_per_room", max, SOCKET_CAP_RETRY_SECONDS);
  }

  /** Take a new-room token for `key` (call only when the room is not live); none for `null`. */
  takeNewRoom(key: string | null): Refusal | null {
    if (key === null) return null;
    const taken = this.#newRooms.take(key);
    if (taken.ok) return null;
    const seconds = Math.max(1, Math.ceil(taken.retryInMs / 1000));
    return refusal("new_rooms_per_minute", this.#limits.newRoomsPerMinute, seconds);
  }

  /** Count an admitted socket as open and pending (per address only when it is known). */
  enter(key: string | null, roomId: string): AdmissionTicket {
    this.#sockets.add(key, 1);
    this.#pendingByAddress.add(key, 1);
    this.#pendingByRoom.add(roomId, 1);
    if (key !== null) this.#pendingByAddressInRoom.add(`${key} ${roomId}`, 1);
    return new Ticket(this.#counts, key, roomId);
  }

  /** Keys currently tracked, per map (tests assert they drain to zero). */
  sizes(): {
    sockets: number;
    pendingByAddress: number;
    pendingByRoom: number;
    pendingByAddressInRoom: number;
    newRooms: number;
  } {
    return {
      sockets: this.#sockets.size,
      pendingByAddress: this.#pendingByAddress.size,
      pendingByRoom: this.#pendingByRoom.size,
      pendingByAddressInRoom: this.#pendingByAddressInRoom.size,
      newRooms: this.#newRooms.size,
    };
  }
}

interface TicketCounts {
  sockets: CountMap;
  pendingByAddress: CountMap;
  pendingByRoom: CountMap;
  pendingByAddressInRoom: CountMap;
}

/** One socket's ticket (a class: no closures per socket). */
class Ticket implements AdmissionTicket {
  #counts: TicketCounts;
  #key: string | null;
  #roomId: string;
  #pending = true;
  #open = true;

  constructor(counts: TicketCounts, key: string | null, roomId: string) {
    this.#counts = counts;
    this.#key = key;
    this.#roomId = roomId;
  }

  handshakeDone(): void {
    if (!this.#pending) return;
    this.#pending = false;
    this.#counts.pendingByAddress.add(this.#key, -1);
    this.#counts.pendingByRoom.add(this.#roomId, -1);
    if (this.#key !== null) {
      this.#counts.pendingByAddressInRoom.add(`${this.#key} ${this.#roomId}`, -1);
    }
  }

  release(): void {
    this.handshakeDone();
    if (!this.#open) return;
    this.#open = false;
    this.#counts.sockets.add(this.#key, -1);
  }
}

function refusal(what: Refusal["what"], limit: number, retryAfterSeconds: number): Refusal {
  return { what, limit, retryAfterSeconds };
}

/** Counts per key; a key whose count drops to zero is removed. */
class CountMap {
  #counts = new Map<string, number>();

  get size(): number {
    return this.#counts.size;
  }

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  add(key: string | null, delta: number): void {
    if (key === null) return;
    const next = this.get(key) + delta;
    if (next > 0) this.#counts.set(key, next);
    else this.#counts.delete(key);
  }
}
