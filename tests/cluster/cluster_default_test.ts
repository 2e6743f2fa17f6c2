// Who gets cluster routing by default (TLSYNC_CLUSTER), how its bus wakes on each kind of KV,
// and the Bun launcher's worker count.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_WORKERS, parseWorkers } from "../../src/runtime/bun/bun_cluster.ts";
import { clusterDefault } from "../../src/app/default_server.ts";
import { busWakeFor, kvKindOf } from "../../src/app/default_backends.ts";

describe("clusterDefault", () => {
  it("is on for every shareable KV unless TLSYNC_CLUSTER turns it off", () => {
    for (const path of ["./data/tlsync.kv.sqlite3", "https://kv.example/db", undefined]) {
      assert.equal(clusterDefault(path, undefined), true, String(path));
      for (const on of ["1", "true", "", "yes"]) assert.equal(clusterDefault(path, on), true);
      for (const off of ["0", "false", "OFF", " no "]) {
        assert.equal(clusterDefault(path, off), false);
      }
    }
  });

  it("is never on for an in-memory KV (private to its isolate)", () => {
    assert.equal(clusterDefault(":memory:", undefined), false);
    assert.equal(clusterDefault(":memory:", "1"), false);
  });
});

describe("bun_cluster worker count", () => {
  it("defaults to one per CPU, capped", () => {
    assert.equal(parseWorkers(undefined, 4), 4);
    assert.equal(parseWorkers(undefined, 0), 1);
    assert.equal(parseWorkers(undefined, 10_000), MAX_WORKERS);
  });

  it("accepts 1..MAX_WORKERS in digits and refuses anything else", () => {
    assert.equal(parseWorkers("2", 8), 2);
    assert.equal(parseWorkers(String(MAX_WORKERS), 8), MAX_WORKERS);
    for (const bad of ["0", String(MAX_WORKERS + 1), "-1", "1e3", "2.5", "abc", "", "99999"]) {
      assert.equal(parseWorkers(bad, 8), null, bad);
    }
  });
});

describe("busWakeFor", () => {
  it("watches a remote or managed KV and polls a local file (its watch misses other processes)", () => {
    assert.equal(busWakeFor(kvKindOf(undefined)), "watch");
    assert.equal(busWakeFor(kvKindOf("https://kv.example/db")), "watch");
    assert.equal(busWakeFor(kvKindOf("./data/tlsync.kv.sqlite3")), "poll");
    assert.equal(busWakeFor(kvKindOf(":memory:")), "poll");
  });
});
