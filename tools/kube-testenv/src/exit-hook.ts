const hooks = new Set<() => void>();
let installed = false;

/**
 * Runs `cleanup` (synchronous: nothing else can run then) when the process exits without having stopped what it
 * started. Exits by a signal or a crash are the watchdog's job. Returns the function that unregisters it.
 */
export function onProcessExit(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const hook of hooks) {
        try {
          hook();
        } catch {
          // keep cleaning the others
        }
      }
    });
  }
  hooks.add(cleanup);
  return () => hooks.delete(cleanup);
}
