// Backup and restore through the snapshot CLI, against a real KV file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { geoShape, serverSchema } from "../helpers/records.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

function cli(
  args: string[],
  data: string,
): { status: number | null; stdout: string; stderr: string } {
  const runArgs = isBun
    ? ["run", "src/runtime/snapshot_cli.ts", ...args]
    : ["run", "--allow-all", "src/runtime/snapshot_cli.ts", ...args];
  const r = spawnSync(process.execPath, runArgs, {
    cwd: root,
    env: { ...process.env, TLSYNC_DATA: data },
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("snapshot CLI", () => {
  it("imports a snapshot into a room, lists it, and exports the same documents", {
    timeout: 60_000,
  }, () => {
    const dir = tempDir();
    const data = dir.file("kv.sqlite3");
    const input = dir.file("in.json");
    const output = dir.file("out.json");
    const snapshot = {
      documentClock: 3,
      schema: serverSchema,
      documents: [
        {
          state: {
            id: "document:document",
            typeName: "document",
            gridSize: 10,
            name: "",
            meta: {},
          },
          lastChangedClock: 0,
        },
        {
          state: { id: "page:page", typeName: "page", name: "Page 1", index: "a1", meta: {} },
          lastChangedClock: 0,
        },
        { state: geoShape("shape:backup", 5, 6), lastChangedClock: 3 },
      ],
    };
    writeFileSync(input, JSON.stringify(snapshot));

    const imported = cli(["import", "restore-me", input], data);
    const listed = cli(["list"], data);
    const exported = cli(["export", "restore-me", output], data);

    assert.equal(imported.status, 0, imported.stderr);
    assert.equal(listed.stdout.trim(), "restore-me");
    assert.equal(exported.status, 0, exported.stderr);
    const out = JSON.parse(readFileSync(output, "utf8"));
    assert.deepEqual(out.documents.map((d: { state: { id: string } }) => d.state.id).sort(), [
      "document:document",
      "page:page",
      "shape:backup",
    ]);
    dir.remove();
  });
});
