/**
 * A record's change inside one transaction.
 * @module
 */
import type { UnknownRecord } from "@tldraw/store";

/** One record's change: absent `before` is a create, absent `after` a delete. */
export interface RecordChange {
  before: UnknownRecord | undefined;
  after: UnknownRecord | undefined;
}
