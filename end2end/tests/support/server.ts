// Start and stop Courant servers of our own, so a test can restart one or run several.
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");
const BIN = process.env.COURANT_SERVER_BIN ?? path.join(ROOT, "target/debug/server");

/** The first admin every test server starts with (COURANT_ADMIN_EMAIL / _PASSWORD). */
export const ADMIN = { email: "admin@courant.test", password: "correct horse battery" };

export async function waitForHealthy(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Courant did not become healthy at ${url} within ${timeoutMs} ms (${last})`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** A fresh SQLite database file for one test, under target/e2e (cleared by each test run). */
export function freshDatabase(): string {
  const base = path.join(ROOT, "target/e2e/tmp");
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, "db-"));
  return `sqlite://${path.join(dir, "courant.db")}`;
}

/** Where a server on `databaseUrl` keeps its backups: beside a SQLite file, else a fresh
 *  directory under target/e2e. */
function backupDir(databaseUrl: string): string {
  if (databaseUrl.startsWith("sqlite://")) {
    return path.join(path.dirname(databaseUrl.slice("sqlite://".length)), "backups");
  }
  const base = path.join(ROOT, "target/e2e/tmp");
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, "backups-"));
}

export class CourantServer {
  private child?: ChildProcess;
  private output = "";

  constructor(
    readonly port: number,
    readonly databaseUrl: string,
    readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(databaseUrl = freshDatabase(), port?: number, env: Record<string, string> = {}): Promise<CourantServer> {
    const server = new CourantServer(port ?? (await freePort()), databaseUrl, env);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    if (!fs.existsSync(BIN)) {
      throw new Error(`no server binary at ${BIN}: build it with \`cargo leptos build\` (\`make test\` does, and sets COURANT_SERVER_BIN)`);
    }
    this.output = "";
    this.child = spawn(BIN, [], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: this.databaseUrl,
        LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
        LEPTOS_SITE_ROOT: path.join(ROOT, "target/site"),
        RUST_LOG: "warn",
        COURANT_ADMIN_EMAIL: ADMIN.email,
        COURANT_ADMIN_PASSWORD: ADMIN.password,
        // Every test's browser orders from 127.0.0.1: the limit per address is a test of its own.
        COURANT_CHECKOUTS_PER_HOUR: "1000",
        // Backups beside the test's database, never in the checkout's data/.
        COURANT_BACKUP_DIR: backupDir(this.databaseUrl),
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.on("data", (d) => (this.output += d));
    this.child.stderr?.on("data", (d) => (this.output += d));
    try {
      await waitForHealthy(this.url);
    } catch (e) {
      throw new Error(`${e}\nserver output:\n${this.output}`);
    }
  }

  /** A server on a fresh database with no example content: only what the test creates. */
  static async startEmpty(): Promise<CourantServer> {
    return CourantServer.start(freshDatabase(), undefined, { COURANT_DEMO_CONTENT: "0" });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    });
    this.child = undefined;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
