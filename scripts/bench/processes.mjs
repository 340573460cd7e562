// Child processes and temporary directories of one bench run, all cleaned up on exit, on
// SIGINT/SIGTERM and on a crash of the bench itself.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client } from './rpc.mjs';

const children = new Set();
const dirs = new Set();

function cleanup() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}

/** A fresh temporary directory, removed when the bench exits. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** Removes a temporary directory now. */
export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/**
 * Forks `script` with an IPC channel; resolves once the child says `{ event: 'ready' }`, with an
 * RPC client and that ready message.
 */
export function spawnChild(script, args = [], execArgv = [], env = {}) {
  const child = fork(script, args, { execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    const onExit = (code, signal) => reject(new Error(`${script} exited (${signal ?? code}) before it was ready`));
    child.once('exit', onExit);
    child.on('message', function onReady(msg) {
      if (msg?.event !== 'ready') return;
      child.off('message', onReady);
      child.off('exit', onExit);
      resolve({ ...client(child), ready: msg });
    });
  });
}

/** Asks a child to stop (it exits by itself, writing any CPU profile), killing it if it hangs. */
export async function stopChild(rpc, graceMs = 5000) {
  const { child } = rpc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  rpc.call('stop').catch(() => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
