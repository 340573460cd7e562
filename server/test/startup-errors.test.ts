/**
 * A data directory the relay cannot use ends `parley start` at once with one line naming the
 * path and the cause, and a non-zero exit: the BUILT relay (`bin/parley.js`) is started as a
 * child process against such directories. Permission bits do not bind root, so when the tests
 * run as root the child runs as `nobody` (uid 65534) against a directory only readable to it.
 */
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** What a finished `parley` child did. */
interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `parley start` on `dataDir` (as `uid` when given) until it exits. */
function startRelay(dataDir: string, uid?: number): Promise<Exit> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'server', 'bin', 'parley.js'), 'start', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir(), ...(uid === undefined ? {} : { uid, gid: uid }) },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // Started after all: stop it, so the test fails on its output rather than hanging.
    if (stdout.includes('listening on')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise) => child.once('close', (code) => resolvePromise({ code, stdout, stderr })));
}

describe('parley start on an unusable data directory', () => {
  const roots: string[] = [];
  async function tempRoot(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'parley-startup-'));
    roots.push(root);
    // Traversable by every user, so a child running as nobody reaches the directory under test.
    await chmod(root, 0o755);
    return root;
  }
  afterAll(async () => {
    await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
  });

  it('names a read-only directory and the cause, in one line, and exits 1', async () => {
    const dataDir = join(await tempRoot(), 'data');
    await mkdir(dataDir);
    await chmod(dataDir, 0o500);
    if (asRoot) await chown(dataDir, NOBODY, NOBODY);
    const exit = await startRelay(dataDir, asRoot ? NOBODY : undefined);
    expect(exit.code).toBe(1);
    expect(exit.stdout).toBe('');
    expect(exit.stderr).toBe(`parley: cannot use the data directory ${dataDir}: permission denied: the relay's user may not write there (EACCES)\n`);
  });

  it('names a directory whose parent is missing, creates nothing, and exits 1', async () => {
    const root = await tempRoot();
    const dataDir = join(root, 'typo', 'data');
    const exit = await startRelay(dataDir);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe(
      `parley: cannot use the data directory ${dataDir}: its parent directory ${join(root, 'typo')} does not exist (create it first, or choose another --data-dir)\n`,
    );
    await expect(stat(join(root, 'typo'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names a path that is a file, not a directory, and exits 1', async () => {
    const dataDir = join(await tempRoot(), 'data');
    await writeFile(dataDir, 'not a directory');
    const exit = await startRelay(dataDir);
    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe(`parley: cannot use the data directory ${dataDir}: it is a file, not a directory (ENOTDIR)\n`);
  });
});
