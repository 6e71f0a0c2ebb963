/**
 * Fault injection: start a real `plutus` process on a large file or a many-page API source,
 * kill it with SIGKILL at a chosen moment, and check what the analyst would find: a sound
 * database, each table holding all of the step's rows or none, the input file in inbox/ or
 * archive/ exactly once (never lost, never twice), no run left "running", and a rerun that
 * ends with exactly the expected rows. tests/crash_e2e_test.ts kills at the moments each
 * scenario names, seen in what the process writes (a file, a row, the log of the database,
 * a request to the API): no guess of how long anything takes, however loaded the machine.
 * tools/torture.ts kills at many random times.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { ORDERS_CONFIG, ORDERS_SCHEMA, writeOrdersCsv } from "../bench/marketing_csv.ts";
import { RUN_FLAGS } from "../runtime_flags.ts";
import { type FakeApi, startFakeApi, TOKEN } from "./fake_api.ts";
import { expectCode, MAIN, plutus, runCli, TEST_ENV } from "./helpers.ts";

/** One scenario: a project to make, the command to kill, how many rows it must end with. */
export interface CrashScenario {
  name: string;
  table: string;
  expectedRows: number;
  /** Makes a fresh project in `dir`. */
  setUp(dir: string): Promise<void>;
  /** The plutus arguments of the run to kill. */
  args(dir: string): string[];
  /** What the analyst does after the crash to finish the job. */
  recover(dir: string): Promise<void>;
  /** Checks of the scenario's own, after the kill. */
  afterKill?(dir: string, rows: number): void;
  /** Moments of a run, in order, that the process shows in what it writes. */
  moments: KillMoment[];
  close(): Promise<void>;
}

/** A moment of a run to kill it at, seen from outside the process. */
export interface KillMoment {
  name: string;
  /** Whether the step's rows are committed at this moment: all of them, or none yet. */
  committed: boolean;
  /** Whether the run in project `dir` has reached the moment. */
  reached(dir: string): boolean;
}

/** What one kill left. */
export interface KillOutcome {
  /** When the kill came: milliseconds after the start, or a moment's name. */
  at: number | string;
  /** False when the run had finished before the kill came. */
  killed: boolean;
  rowsAfterKill: number;
}

const BIG_FILE = "orders_big.csv";

/** `plutus upload` of a generated orders export of `rows` rows. */
export async function uploadScenario(workDir: string, rows: number): Promise<CrashScenario> {
  const file = join(workDir, BIG_FILE);
  const counts = await writeOrdersCsv(file, rows);
  return {
    name: `upload of ${rows.toLocaleString("en-US")} rows`,
    table: "orders",
    expectedRows: counts.rows - counts.duplicates - counts.bad,
    async setUp(dir) {
      await Deno.mkdir(join(dir, "schema"), { recursive: true });
      await Deno.writeTextFile(join(dir, "plutus.yaml"), ORDERS_CONFIG);
      await Deno.writeTextFile(join(dir, "schema", "orders.yaml"), ORDERS_SCHEMA);
    },
    args: (dir) => ["upload", file, "--project", dir],
    async recover(dir) {
      // A file in inbox/ loads (or is archived as loaded) with run; else upload it again.
      const before = inputCopies(dir);
      const waiting = before.inbox.length > 0;
      const result = waiting
        ? await runCli(["run", "--project", dir])
        : await runCli(["upload", file, "--project", dir]);
      expectCode(result, 0);
      // archived once: by the run, or once more by the upload (a copy the analyst made)
      const { inbox, archive } = inputCopies(dir);
      assert.equal(inbox.length, 0, `left in inbox/: ${inbox}`);
      assert.equal(archive.length, waiting ? 1 : before.archive.length + 1, `${archive}`);
    },
    afterKill(dir, rows) {
      const { inbox, archive } = inputCopies(dir);
      // killed inside the move to archive/ (claimName() links, then unlinks), it is one
      // file under both names, a move the next run finishes (finishInterruptedMoves)
      const halfMoved = inbox.length === 1 && archive.length === 1 &&
        sameFile(inbox[0]!, archive[0]!);
      assert.ok(
        inbox.length + archive.length <= 1 || halfMoved,
        `one copy at most: ${[...inbox, ...archive]}`,
      );
      // archived only after its rows were committed
      if (archive.length > 0) assert.ok(rows > 0, "archived, but its rows are not in the table");
    },
    moments: [
      {
        name: "copying the file into inbox/",
        committed: false,
        reached: (dir) => inboxNames(dir).some((name) => name.endsWith(".part")),
      },
      { name: "the run recorded as running", committed: false, reached: runRecorded },
      {
        name: "inserting rows: 1 MB in the database's log, none committed",
        committed: false,
        reached: (dir) => walBytes(dir) >= 1 << 20,
      },
      {
        name: "the rows committed",
        committed: true,
        reached: (dir) => rowCount(dir, "orders", true) > 0,
      },
      {
        // Moved: in archive/ and gone from inbox/. In between (claimName() in
        // core/project/inbox.ts links the new name, then removes the old) a kill leaves the
        // file under both names; a kill at "the rows committed" may land there (afterKill).
        name: "the file moved out of inbox/ into archive/",
        committed: true,
        reached: (dir) => {
          const { inbox, archive } = inputCopies(dir);
          return archive.length > 0 && inbox.length === 0;
        },
      },
    ],
    close: () => Promise.resolve(),
  };
}

/** `plutus run` of an incremental, cursor-paged API source with `records` records. */
export function apiScenario(records: number): CrashScenario {
  const api: FakeApi = startFakeApi(records);
  const pages = Math.ceil(records / 100);
  // the requests made before the run of the project, by the runs of other projects
  const requestsBefore = new Map<string, number>();
  const asked = (dir: string) => api.requests.length - (requestsBefore.get(dir) ?? 0);
  return {
    name: `API source of ${records.toLocaleString("en-US")} records`,
    table: "contacts",
    expectedRows: records,
    async setUp(dir) {
      requestsBefore.set(dir, api.requests.length);
      await Deno.mkdir(join(dir, "schema"), { recursive: true });
      await Deno.writeTextFile(join(dir, ".env"), `CRM_TOKEN=${TOKEN}\n`);
      await Deno.writeTextFile(
        join(dir, "schema", "contacts.yaml"),
        "columns:\n  id: { type: text, required: true }\n  email: { type: email }\n  updated_at: { type: datetime }\nkey: [id]\n",
      );
      await Deno.writeTextFile(
        join(dir, "plutus.yaml"),
        `sources:
  crm:
    kind: api
    url: "${api.url}/crm/v3/objects/contacts"
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    params: { limit: 100 }
    records: results
    paginate: { type: cursor, cursor: paging.next.after, param: after }
    incremental: { field: updatedAt, param: updated_since }
    max_pages: 100000
    table: contacts
    columns: { email: properties.email, updated_at: updatedAt }
`,
      );
    },
    args: (dir) => ["run", "--project", dir],
    async recover(dir) {
      expectCode(await runCli(["run", "--project", dir]), 0);
    },
    afterKill(dir, rows) {
      // Plutus's own tables are made all at once, or not at all.
      const own = readDb(
        dir,
        (db) =>
          db.prepare(
            "SELECT count(*) AS n FROM sqlite_schema WHERE name GLOB '_plutus_*' AND type = 'table'",
          )
            .get() as { n: number },
      )?.n ?? 0;
      assert.ok(own === 0 || own === 5, `${own} of Plutus's 5 tables`);
      if (own === 0) return;
      // The position advances with the rows, in the same transaction, or not at all.
      const state = readDb(
        dir,
        (db) =>
          db.prepare("SELECT count(*) AS n FROM _plutus_state WHERE source = 'crm'").get() as {
            n: number;
          },
      ) ?? { n: 0 };
      assert.equal(state.n, rows > 0 ? 1 : 0, "the incremental position moved without its rows");
    },
    moments: [
      { name: "the run recorded as running", committed: false, reached: runRecorded },
      { name: "the first page asked for", committed: false, reached: (dir) => asked(dir) >= 1 },
      {
        name: "half the pages asked for",
        committed: false,
        reached: (dir) => asked(dir) >= pages / 2,
      },
      {
        name: "the last page asked for",
        committed: false,
        reached: (dir) => asked(dir) >= pages,
      },
      {
        name: "the rows committed",
        committed: true,
        reached: (dir) => rowCount(dir, "contacts", true) > 0,
      },
    ],
    close: () => api.close(),
  };
}

/** How long the scenario's run takes when nothing kills it (and that it ends right). */
export async function calibrate(scenario: CrashScenario, dir: string): Promise<number> {
  await scenario.setUp(dir);
  const started = performance.now();
  expectCode(await plutus(scenario.args(dir)), 0);
  const ms = performance.now() - started;
  assert.equal(rowCount(dir, scenario.table), scenario.expectedRows);
  return ms;
}

/** Starts `plutus ARGS` in the project folder `dir`, its output thrown away. */
function startPlutus(args: string[], dir: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN, ...args],
    cwd: dir, // the project folder: a kill hits Plutus itself, not a parent that ran it there
    env: TEST_ENV,
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/**
 * Starts `plutus ARGS` in the project folder `dir`, kills it with SIGKILL after `delayMs`;
 * false when it had ended by itself before.
 */
export async function killAfter(args: string[], dir: string, delayMs: number): Promise<boolean> {
  const child = startPlutus(args, dir);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  try {
    child.kill("SIGKILL");
  } catch {
    // it has just ended by itself
  }
  return (await child.status).signal === "SIGKILL";
}

/**
 * Starts `plutus ARGS` in the project folder `dir` and kills it with SIGKILL as soon as
 * `reached()` says so (asked again and again, a few ms apart: a moment may last only until
 * the process's next write); false when it had ended by itself before.
 */
export async function killWhen(
  args: string[],
  dir: string,
  reached: () => boolean | Promise<boolean>,
): Promise<boolean> {
  const child = startPlutus(args, dir);
  let ended = false;
  const status = child.status.finally(() => (ended = true));
  const there = async () => {
    try {
      return await reached();
    } catch {
      return false; // half made (a database without its tables yet): not there yet
    }
  };
  while (!ended && !(await there())) await new Promise((resolve) => setTimeout(resolve, 2));
  try {
    child.kill("SIGKILL");
  } catch {
    // it has just ended by itself
  }
  return (await status).signal === "SIGKILL";
}

/**
 * Runs the scenario in a fresh project `dir`, kills it `at` a moment (or after so many
 * milliseconds), checks, recovers.
 */
export async function killAndCheck(
  scenario: CrashScenario,
  dir: string,
  at: number | KillMoment,
): Promise<KillOutcome> {
  await scenario.setUp(dir);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...RUN_FLAGS, MAIN, ...scenario.args(dir)],
    cwd: dir, // the project folder: a kill hits Plutus itself, not a parent that ran it there
    env: TEST_ENV,
    stdout: "null",
    stderr: "null",
  }).spawn();
  let ended = false;
  const status = child.status.finally(() => (ended = true));
  if (typeof at === "number") await new Promise((resolve) => setTimeout(resolve, at));
  else {
    // Looks often: the moment may last only as long as the process takes to its next write.
    const reached = (moment: KillMoment) => {
      try {
        return moment.reached(dir);
      } catch {
        return false; // half made (a database without its tables yet): not there yet
      }
    };
    while (!ended && !reached(at)) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  try {
    child.kill("SIGKILL");
  } catch {
    // it has just ended by itself
  }
  const killed = (await status).signal === "SIGKILL";
  stopWatching(dir);
  const when = typeof at === "number" ? at : at.name;

  const context = `${scenario.name}, killed ${
    typeof when === "number" ? `after ${Math.round(when)} ms` : `at ${when}`
  }`;
  try {
    const integrity = readDb(dir, (db) => db.prepare("PRAGMA integrity_check").get());
    if (integrity) assert.equal(integrity.integrity_check, "ok");
    const rows = rowCount(dir, scenario.table);
    assert.ok(
      rows === 0 || rows === scenario.expectedRows,
      `${rows} rows: neither none nor all ${scenario.expectedRows}`,
    );
    scenario.afterKill?.(dir, rows);

    // status tells the truth: the dead run is interrupted, not running
    const statusResult = expectCode(await runCli(["status", "--json", "--project", dir]), 0);
    if (statusResult.stdout.trim().startsWith("{") || statusResult.stdout.trim().startsWith("[")) {
      assert.doesNotMatch(statusResult.stdout, /"status":\s*"running"/);
    }

    await scenario.recover(dir);
    assert.equal(rowCount(dir, scenario.table), scenario.expectedRows, "after the rerun");
    const running = readDb(
      dir,
      (db) => db.prepare("SELECT count(*) AS n FROM _plutus_runs WHERE status = 'running'").get(),
    );
    assert.equal(running?.n, 0, "a run is left running");
    return { at: when, killed, rowsAfterKill: rows };
  } catch (error) {
    (error as Error).message = `${context}: ${(error as Error).message}`;
    throw error;
  }
}

/** Copies of the big input file waiting in inbox/ and kept in archive/. */
export function inputCopies(dir: string): { inbox: string[]; archive: string[] } {
  const named = (name: string) => name.startsWith("orders_big") && name.endsWith(".csv");
  const list = (folder: string): string[] => {
    try {
      return [...Deno.readDirSync(folder)].flatMap((entry) =>
        entry.isDirectory
          ? list(join(folder, entry.name))
          : named(entry.name)
          ? [join(folder, entry.name)]
          : []
      );
    } catch {
      return [];
    }
  };
  return { inbox: list(join(dir, "inbox")), archive: list(join(dir, "archive")) };
}

/** Whether two paths are names of one file (one device and inode). */
function sameFile(a: string, b: string): boolean {
  const [x, y] = [Deno.statSync(a), Deno.statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

function inboxNames(dir: string): string[] {
  try {
    return [...Deno.readDirSync(join(dir, "inbox"))].map((entry) => entry.name);
  } catch {
    return [];
  }
}

/** Bytes in the database's write-ahead log: a transaction's pages before its commit. */
function walBytes(dir: string): number {
  try {
    return Deno.statSync(join(dir, "data", "plutus.db-wal")).size;
  } catch {
    return 0;
  }
}

function runRecorded(dir: string): boolean {
  return readDb(
    dir,
    (db) => db.prepare("SELECT 1 FROM _plutus_runs WHERE status = 'running'").get(),
    true,
  ) !== undefined;
}

function rowCount(dir: string, table: string, whileRunning = false): number {
  return readDb(dir, (db) => {
    const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
      .get(table);
    return exists
      ? (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n
      : 0;
  }, whileRunning) ?? 0;
}

/**
 * Read-only connections of the runs being watched, by project folder: a moment is asked
 * for every few ms, and a connection opened each time cost ~1 s of CPU a load. Closed by
 * stopWatching() once the run is killed.
 */
const watching = new Map<string, DatabaseSync>();

function stopWatching(dir: string): void {
  watching.get(dir)?.close();
  watching.delete(dir);
}

/**
 * Reads the project database, or gives undefined when there is none yet. `whileRunning`,
 * read-only, on the watched run's own connection: a look while the run writes changes
 * nothing it would not.
 */
function readDb<T>(
  dir: string,
  read: (db: DatabaseSync) => T,
  whileRunning = false,
): T | undefined {
  const path = join(dir, "data", "plutus.db");
  try {
    Deno.statSync(path);
  } catch {
    return undefined;
  }
  if (whileRunning) {
    let db = watching.get(dir);
    if (!db) watching.set(dir, db = new DatabaseSync(path, { readOnly: true }));
    return read(db);
  }
  const db = new DatabaseSync(path, { readOnly: whileRunning });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Kill points spread over a run of `ms`: `count` of them, evenly or at random. */
export function killPoints(ms: number, count: number, random = false): number[] {
  return Array.from(
    { length: count },
    (_, i) =>
      random ? ms * (0.02 + Math.random() * 1.0) : ms * (0.1 + (0.85 * i) / Math.max(1, count - 1)),
  );
}
