/**
 * node:fs layers for the sandbox's data dir (`Sandbox.start({ files })`) whose writes fail on demand:
 * `failure.code` set (ENOSPC, EIO, ...) makes the named calls throw that error until it is cleared.
 */
import * as fs from "node:fs";
import type { FileLayer } from "../../sandbox/deploy/journal";

export interface InjectedFailure {
  code?: string;
}

function throwIfSet(failure: InjectedFailure): void {
  if (failure.code !== undefined) {
    throw Object.assign(new Error(`${failure.code}: injected`), { code: failure.code });
  }
}

/** Journal writes and syncs fail while `failure.code` is set. */
export function faultyDisk(failure: InjectedFailure): FileLayer {
  return {
    ...fs,
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
      throwIfSet(failure);
      return (fs.writeSync as (...a: unknown[]) => number)(...args);
    }) as typeof fs.writeSync,
    fdatasyncSync: (fd) => {
      throwIfSet(failure);
      fs.fdatasyncSync(fd);
    },
  };
}

/** Snapshot syncs (state.json is written whole and fsync'd) fail while `failure.code` is set. */
export function faultySnapshots(failure: InjectedFailure): FileLayer {
  return {
    ...fs,
    fsyncSync: (fd) => {
      throwIfSet(failure);
      fs.fsyncSync(fd);
    },
  };
}
