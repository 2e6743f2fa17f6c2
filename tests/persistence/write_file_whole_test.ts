// Exports are written whole or not at all: a write that fails leaves the earlier file and no
// temporary file behind (an export to a full disk once left a truncated file in place of a good
// backup).
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { writeFileWhole } from "../../src/runtime/cli/write_file_whole.ts";
import { tempDir } from "../helpers/temp_dir.ts";

describe("writeFileWhole", () => {
  it("replaces an existing file with the new text", () => {
    const dir = tempDir();
    try {
      const file = dir.file("room.json");
      writeFileSync(file, "old backup");

      writeFileWhole(file, '{"documents":[]}');

      assert.equal(readFileSync(file, "utf8"), '{"documents":[]}');
      assert.deepEqual(readdirSync(dir.path), ["room.json"]);
    } finally {
      dir.remove();
    }
  });

  it("a write that cannot complete throws and leaves what was there, without a temporary file", () => {
    const dir = tempDir();
    try {
      // The target is a non-empty directory: the final rename fails after the text was written.
      const target = dir.file("export");
      mkdirSync(target);
      writeFileSync(`${target}/keep.txt`, "kept");

      assert.throws(() => writeFileWhole(target, "x".repeat(100_000)));

      assert.deepEqual(readdirSync(dir.path), ["export"]);
      assert.equal(readFileSync(`${target}/keep.txt`, "utf8"), "kept");
    } finally {
      dir.remove();
    }
  });
});
