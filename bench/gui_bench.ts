/**
 * The GUI benchmark: `plutus serve` on a project whose table holds 1,000,000 rows, run as
 * its own process. Measures each page's answer time as a browser would see it, the
 * server's resident memory when idle, and how long a status change takes to reach a
 * browser listening on /events.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { cachedFile } from "./csv_bench.ts";
import { ORDERS_CONFIG, ORDERS_SCHEMA, writeOrdersCsv } from "./marketing_csv.ts";
import { measureCommand, PLUTUS } from "./measure.ts";

/** One page's answer times over repeated requests, after a warm-up request. */
export interface PageTiming {
  page: string;
  medianMs: number;
  /** The 19th of 20: what nearly every visit gets. */
  p95Ms: number;
  /** The slowest, usually a garbage collection that happened to fall on it. */
  worstMs: number;
  status: number;
}

export interface GuiBenchResult {
  tableRows: number;
  pages: PageTiming[];
  startRssMb: number;
  idleRssMb: number;
  /** Of the idle resident memory, what the process itself holds (heaps, anonymous). */
  idleOwnMb: number;
  /** From the click (POST /run) to the "running" status in the browser. */
  startLatencyMs: number;
  /** From the run's end in the database to the final status in the browser. */
  finishLatencyMs: number;
}

const REPEAT = 20;

/** Builds (or reuses) the 1M-row project, serves it, measures. */
export async function benchGui(rows: number, workDir: string): Promise<GuiBenchResult> {
  const project = await projectWithRows(rows, workDir);
  const server = await startServer(project);
  try {
    const startRssMb = rssMb(server.pid);
    const client = await connect(server.url);
    const pages: PageTiming[] = [];
    for (const [page, init] of pageRequests()) {
      pages.push(await timePage(client, page, init));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleRssMb = rssMb(server.pid);
    const idleOwnMb = ownMb(server.pid);
    const { startLatencyMs, finishLatencyMs } = await statusLatency(client, project);
    return {
      tableRows: rows,
      pages,
      startRssMb,
      idleRssMb,
      idleOwnMb,
      startLatencyMs,
      finishLatencyMs,
    };
  } finally {
    server.stop();
    await server.done;
  }
}

/** The pages an analyst opens, with the requests that fill them. */
function pageRequests(): [string, RequestInit?][] {
  const query = (sql: string): RequestInit => ({
    method: "POST",
    body: new URLSearchParams({ sql }),
  });
  return [
    ["/"],
    ["/runs/1"],
    ["/upload"],
    ["/sources"],
    ["/schema"],
    ["/query"],
    ["/query (SELECT * FROM orders: first 500 rows)", query("SELECT * FROM orders")],
    ["/files"],
  ];
}

interface Client {
  base: URL;
  cookie: string;
  csrf: string;
}

async function connect(url: string): Promise<Client> {
  const base = new URL(url);
  const cookie = `plutus_token_${base.port}=${base.searchParams.get("token")}`;
  const page = await (await fetch(new URL("/", base), { headers: { cookie } })).text();
  const csrf = page.match(/<meta name="csrf" content="([^"]+)">/)?.[1];
  if (!csrf) throw new Error("the Run page has no CSRF token");
  return { base, cookie, csrf };
}

function send(client: Client, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("cookie", client.cookie);
  if (init.method === "POST") {
    headers.set("origin", client.base.origin);
    headers.set("x-csrf-token", client.csrf);
  }
  return fetch(new URL(path, client.base), { ...init, headers });
}

async function timePage(client: Client, page: string, init?: RequestInit): Promise<PageTiming> {
  const path = page.split(" ")[0]!;
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i <= REPEAT; i++) {
    const started = performance.now();
    const response = await send(client, path, init);
    await response.arrayBuffer();
    status = response.status;
    if (i > 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    page,
    medianMs: times[Math.floor(times.length / 2)]!,
    p95Ms: times[Math.ceil(times.length * 0.95) - 1]!,
    worstMs: times[times.length - 1]!,
    status,
  };
}

/** Drops a small export in inbox/, clicks Run, and times the status on /events. */
async function statusLatency(client: Client, project: string) {
  await writeOrdersCsv(join(project, "inbox", "orders_latest.csv"), 1000);
  const events = await send(client, "/events");
  const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: { state: string; at: number }[] = [];
  const reading = (async () => {
    let buffer = "";
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message.split("\n").find((line) => line.startsWith("data: "));
        if (data && data.length > 6) {
          seen.push({ state: JSON.parse(data.slice(6)).state, at: performance.now() });
        }
      }
    }
  })();
  while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

  const clicked = performance.now();
  const response = await send(client, "/run", { method: "POST", body: new URLSearchParams() });
  if (!response.ok) throw new Error(`Run refused: ${await response.text()}`);
  await response.body?.cancel();
  const finishedInDb = await runFinished(join(project, "data", "plutus.db"));
  while (!seen.some((s) => s.state === "succeeded" || s.state === "failed")) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await reader.cancel();
  await reading.catch(() => {});
  const running = seen.find((s) => s.state === "running")!;
  const finished = seen.find((s) => s.state === "succeeded" || s.state === "failed")!;
  return {
    startLatencyMs: running.at - clicked,
    finishLatencyMs: Math.max(0, finished.at - finishedInDb),
  };
}

/** Polls the database until the newest run is no longer running; returns when it saw that. */
async function runFinished(database: string): Promise<number> {
  const db = new DatabaseSync(database, { readOnly: true });
  try {
    for (let i = 0; i < 12_000; i++) {
      const run = db.prepare("SELECT id, status FROM _plutus_runs ORDER BY id DESC LIMIT 1")
        .get() as { id: number; status: string };
      if (run.id > 1 && run.status !== "running") return performance.now();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error("the run did not finish within a minute");
  } finally {
    db.close();
  }
}

/** A project whose orders table holds the benchmark file's rows, loaded once and reused. */
async function projectWithRows(rows: number, workDir: string): Promise<string> {
  const file = join(workDir, `orders_${rows}.csv`);
  await Deno.mkdir(workDir, { recursive: true });
  const counts = await cachedFile(file, rows);
  const expected = counts.rows - counts.duplicates - counts.bad;
  const project = join(workDir, `gui_project_${rows}`);
  const database = join(project, "data", "plutus.db");
  if (loadedRows(database) === expected && runCount(database) === 1) return project;

  await Deno.remove(project, { recursive: true }).catch(() => {});
  await Deno.mkdir(join(project, "schema"), { recursive: true });
  await Deno.writeTextFile(join(project, "plutus.yaml"), ORDERS_CONFIG);
  await Deno.writeTextFile(join(project, "schema", "orders.yaml"), ORDERS_SCHEMA);
  console.log(`  loading ${rows.toLocaleString("en-US")} rows for the GUI benchmark…`);
  const load = await measureCommand([...PLUTUS, "upload", file, "--project", project]);
  if (load.code !== 0) throw new Error(`plutus upload failed:\n${load.stderr}${load.stdout}`);
  return project;
}

function loadedRows(database: string): number {
  try {
    const db = new DatabaseSync(database, { readOnly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM orders").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return -1;
  }
}

function runCount(database: string): number {
  const db = new DatabaseSync(database);
  try {
    // Runs from an earlier benchmark's Run click are forgotten, so the pages show one big
    // run; the rows they loaded repeat order ids already in the table.
    db.exec("DELETE FROM _plutus_rejects WHERE run_id > 1");
    db.exec("DELETE FROM _plutus_steps WHERE run_id > 1");
    db.exec("DELETE FROM _plutus_runs WHERE id > 1");
    return (db.prepare("SELECT count(*) AS n FROM _plutus_runs").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

interface Server {
  url: string;
  pid: number;
  stop(): void;
  done: Promise<unknown>;
}

/** Starts `plutus serve` on a free port and waits for the address it prints. */
async function startServer(project: string): Promise<Server> {
  // Started in the project folder: with --project from elsewhere Plutus runs itself again
  // there (cli/relaunch.ts), and the process measured and stopped here would be that parent.
  const child = new Deno.Command(PLUTUS[0]!, {
    args: [...PLUTUS.slice(1), "serve", "--port", "0"],
    cwd: project,
    stdout: "piped",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let printed = "";
  while (!/Open: (\S+)/.test(printed)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`plutus serve stopped:\n${printed}`);
    printed += value;
  }
  const url = /Open: (\S+)/.exec(printed)![1]!;
  const drained = (async () => {
    while (!(await reader.read()).done) { /* keep stdout flowing */ }
  })();
  return {
    url,
    pid: child.pid,
    stop: () => child.kill("SIGINT"),
    done: Promise.all([child.status, drained]),
  };
}

/**
 * The anonymous part of a process's resident memory: its heaps. The rest are pages of the
 * program's file (the deno executable's code, shared and given back under pressure), which
 * grow as more of its code runs.
 */
function ownMb(pid: number): number {
  const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
  return Number(/Anonymous:\s+(\d+) kB/.exec(rollup)![1]) / 1024;
}

function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}
