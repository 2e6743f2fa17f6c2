/**
 * Whether storage is working, for `/health`: what kind it is, whether it opened, and whether
 * commits are failing (the last commit failed and none has succeeded since). A commit refused on
 * its own merits ({@linkcode CommitRefusedError}: a value over the store's limit, or a room lost
 * to another writer) says nothing about the store and does not count.
 * @module
 */
import { CommitRefusedError } from "./commit_refused_error.ts";

/** What the rooms are stored in, as `/health` reports it. */
export const StorageKind = {
  /** Deno KV in a local file. */
  kvFile: "kv-file",
  /** Deno KV in memory (`:memory:`): lost on restart. */
  kvMemory: "kv-memory",
  /** Deno KV over KV Connect (a URL). */
  kvRemote: "kv-remote",
  /** Deno Deploy's managed KV. */
  kvManaged: "kv-managed",
  /** Plain in-memory rooms: lost on restart. */
  memory: "memory",
  /** A storage provider passed in by the host. */
  custom: "custom",
} as const;

/** One of {@linkcode StorageKind}'s values. */
export type StorageKind = typeof StorageKind[keyof typeof StorageKind];

/** Storage's health as `/health` reports it. */
export interface StorageHealthReport {
  /** False while storage is unusable. */
  ok: boolean;
  /** What the rooms are stored in. */
  storage: StorageKind;
}

/** The storage health signal. */
export class StorageHealth {
  #kind: StorageKind;
  #unavailable = false;
  #commitsFailing = false;

  /** Storage of `kind`, healthy until told otherwise. */
  constructor(kind: StorageKind) {
    this.#kind = kind;
  }

  /** Storage turned out to be of `kind` (e.g. once opened). */
  setKind(kind: StorageKind): void {
    this.#kind = kind;
  }

  /** Storage could not be opened: unhealthy for good. */
  unavailable(): void {
    this.#unavailable = true;
  }

  /** A commit was made durable. */
  commitSucceeded(): void {
    this.#commitsFailing = false;
  }

  /** A commit failed with `error`. */
  commitFailed(error: unknown): void {
    if (error instanceof CommitRefusedError) return;
    this.#commitsFailing = true;
  }

  /** The report for `/health`. */
  report(): StorageHealthReport {
    return { ok: !this.#unavailable && !this.#commitsFailing, storage: this.#kind };
  }
}
