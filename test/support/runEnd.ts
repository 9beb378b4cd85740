/**
 * Work for the end of a test process's files (test/setup.ts runs it in its root `afterAll` hook):
 * helpers that keep something across a process's tests (the shared pack's clients) register here,
 * so the setup does not load them for the files that never use them.
 */
const cleanups = new Set<() => Promise<void>>();

export function atFilesEnd(cleanup: () => Promise<void>): void {
  cleanups.add(cleanup);
}

export async function runFilesEnd(): Promise<void> {
  for (const cleanup of cleanups) {
    await cleanup();
  }
}
