// An arena server of a spec's own, for specs that stop and restart it (the outbox): the binary
// run.sh was given (ARENA_SERVER_BIN), a fresh SQLite database with the sample battle set, a fixed
// secret (battle tokens stay valid across a restart) and every setting the spec relies on.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

export const SERVER_BIN = process.env.ARENA_SERVER_BIN;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class OwnArena {
  constructor(settings) {
    this.settings = settings;
    this.dir = mkdtempSync(join(tmpdir(), 'arena-e2e-'));
    this.db = `sqlite://${join(this.dir, 'arena.db')}`;
    this.child = null;
  }

  static async create(settings) {
    const arena = new OwnArena(settings);
    arena.port = await freePort();
    arena.url = `http://127.0.0.1:${arena.port}`;
    execFileSync(SERVER_BIN, ['import', '--database-url', arena.db, 'sample/battle-set.jsonl'], { stdio: 'ignore' });
    await arena.start();
    return arena;
  }

  async start() {
    this.child = spawn(SERVER_BIN, ['serve', '--database-url', this.db, '--addr', `127.0.0.1:${this.port}`, '--dist', 'dist'], {
      env: { ...process.env, ARENA_SECRET: 'e2e secret e2e secret e2e secret e2e', ...this.settings },
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the arena server did not start');
  }

  async stop() {
    if (!this.child) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
    this.child = null;
  }

  async close() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
