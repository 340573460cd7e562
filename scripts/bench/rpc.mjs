// A tiny request/response layer over the IPC channel of a forked child, so the bench can say
// "set up", "run", "report memory" to its children and await each answer.

/**
 * Child side: answers `{ id, cmd, ...args }` messages with `{ id, ok, result | error }`.
 * @param {Record<string, (args: any) => unknown>} handlers one async function per command
 */
export function serve(handlers) {
  process.on('message', async (msg) => {
    if (!msg || typeof msg.id !== 'number') return;
    try {
      const handler = handlers[msg.cmd];
      if (!handler) throw new Error(`unknown command ${msg.cmd}`);
      const result = await handler(msg);
      process.send({ id: msg.id, ok: true, result });
    } catch (error) {
      process.send({ id: msg.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
  // The parent going away (crash, SIGKILL) must never leave an orphan holding ports or CPU.
  process.on('disconnect', () => process.exit(0));
}

/**
 * Parent side: wraps a forked child so `call(cmd, args)` resolves with its answer.
 * @param {import('node:child_process').ChildProcess} child
 */
export function client(child) {
  let next = 1;
  const waiting = new Map();
  child.on('message', (msg) => {
    const entry = msg && waiting.get(msg.id);
    if (!entry) return;
    waiting.delete(msg.id);
    if (msg.ok) entry.resolve(msg.result);
    else entry.reject(new Error(`${entry.cmd} failed in child: ${msg.error}`));
  });
  child.on('exit', (code, signal) => {
    for (const entry of waiting.values()) entry.reject(new Error(`child exited (${signal ?? code}) during ${entry.cmd}`));
    waiting.clear();
  });
  return {
    child,
    call(cmd, args = {}) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject, cmd });
        child.send({ id, cmd, ...args });
      });
    },
  };
}
