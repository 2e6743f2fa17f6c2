import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SerializedSchema } from "@tldraw/store";
import type { AnyStoreSchema } from "../../src/schema/any_store_schema.ts";
import { judgeClientSchema } from "../../src/schema/judge_client_schema.ts";
import { schema as tlSchema, serverSchema } from "../helpers/records.ts";

const schema = tlSchema as unknown as AnyStoreSchema;

function clientWith(sequences: Record<string, number>): SerializedSchema {
  const client = structuredClone(serverSchema) as {
    schemaVersion: 2;
    sequences: Record<string, number>;
  };
  Object.assign(client.sequences, sequences);
  return client;
}

function judge(client: unknown) {
  return judgeClientSchema(schema, serverSchema, client);
}

describe("judgeClientSchema", () => {
  it("an equal schema (even a copy) is the same", () => {
    assert.deepEqual(judge(structuredClone(serverSchema)), { kind: "same" });
  });

  it("a missing or shapeless schema is too old, naming no sequence", () => {
    for (const bad of [null, undefined, 7, "x", {}, { schemaVersion: 2 }, { schemaVersion: "2" }]) {
      const verdict = judge(bad);
      assert.equal(verdict.kind, "client_too_old", JSON.stringify(bad));
      assert.equal("sequence" in verdict && verdict.sequence, null);
    }
  });

  it("a client one reversible geo migration behind is migratable", () => {
    const geo = (serverSchema as { sequences: Record<string, number> }).sequences[
      "com.tldraw.shape.geo"
    ]!;
    const client = clientWith({ "com.tldraw.shape.geo": geo - 1 });

    assert.deepEqual(judge(client), { kind: "migratable", clientSchema: client, steps: 1 });
  });

  it("a migratable schema comes back with only what migrations read, so extras do not split it", () => {
    // Connects that each added a different junk field once kept one full-room body per variant.
    const geo = (serverSchema as { sequences: Record<string, number> }).sequences[
      "com.tldraw.shape.geo"
    ]!;
    const plain = clientWith({ "com.tldraw.shape.geo": geo - 1 });
    const noisy = (junk: string) => ({
      ...clientWith({ "com.tldraw.shape.geo": geo - 1, [`com.example.${junk}`]: 1 }),
      junk,
    });

    const a = judge(noisy("a"));
    const b = judge(noisy("b"));

    assert.equal(a.kind, "migratable");
    assert.equal(b.kind, "migratable");
    assert.deepEqual(a.kind === "migratable" && a.clientSchema, plain);
    assert.equal(
      JSON.stringify(a.kind === "migratable" && a.clientSchema),
      JSON.stringify(b.kind === "migratable" && b.clientSchema),
    );
  });

  it("a client behind a migration that cannot run down is too old, naming its sequence", () => {
    const verdict = judge(clientWith({ "com.tldraw.shape": 0 }));

    assert.equal(verdict.kind, "client_too_old");
    assert.equal("sequence" in verdict && verdict.sequence, "com.tldraw.shape");
  });

  it("a client ahead in a shared sequence means the server is too old", () => {
    const verdict = judge(clientWith({ "com.tldraw.shape.geo": 999 }));

    assert.equal(verdict.kind, "server_too_old");
    assert.equal("sequence" in verdict && verdict.sequence, "com.tldraw.shape.geo");
  });

  it("a newer serialization format means the server is too old", () => {
    assert.equal(
      judge({ schemaVersion: 3, storeVersion: 0, recordVersions: {} }).kind,
      "server_too_old",
    );
  });

  it("sequences only the client knows are ignored when a migration plan exists", () => {
    assert.deepEqual(judge(clientWith({ "com.example.custom": 3 })), { kind: "same" });
  });

  it("without a plan, a sequence only the client knows means the server is too old", () => {
    const unplannable = { "com.tldraw.shape.geo": -5 };

    const withUnknown = judge(clientWith({ ...unplannable, "com.example.custom": 1 }));
    const withoutUnknown = judge(clientWith(unplannable));

    assert.equal(withUnknown.kind, "server_too_old");
    assert.equal("sequence" in withUnknown && withUnknown.sequence, "com.example.custom");
    assert.equal(withoutUnknown.kind, "client_too_old");
  });

  it("an old v1 schema without a plan is too old", () => {
    assert.equal(
      judge({ schemaVersion: 1, storeVersion: 0, recordVersions: null }).kind,
      "client_too_old",
    );
  });
});
