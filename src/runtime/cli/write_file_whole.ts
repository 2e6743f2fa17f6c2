/**
 * Write a file whole or not at all: the text goes to a temporary file beside it, is flushed to
 * disk, and only then replaces `file`. A full disk or a crash mid-write leaves the earlier file as
 * it was (an export to a full disk used to leave a truncated file in place of a good backup).
 * @module
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import process from "node:process";

/** Replace `file` with `text` (UTF-8), atomically on the same file system. */
export function writeFileWhole(file: string, text: string): void {
  const temp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx");
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw error;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the write error is the one to report
  }
}
