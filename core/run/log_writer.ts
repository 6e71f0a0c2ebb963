/**
 * The log every run leaves: `logs/<time>-run-<id>.log` with every step, count, error and
 * reject, and `logs/errors-YYYY-MM-DD.log` collecting the day's errors across runs.
 * Every line passes through the secret mask before it is written.
 *
 * @module
 */
import { localStamp } from "../../util/time.ts";
import { join } from "node:path";
import { PlutusError } from "../../util/errors.ts";
import type { SecretMask } from "../../config/env.ts";
import { escapeControls } from "../../util/control_text.ts";

type Level = "INFO" | "WARN" | "ERROR" | "REJECT";

/** Where a run writes what it does. */
export interface RunLogger {
  /** The log file relative to the project, if one is written. */
  readonly relativePath?: string;
  context: string;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  reject(location: string, column: string | null, value: string | null, reason: string): void;
  flush(): void;
  close(): void;
}

/** A logger that keeps nothing: a dry run leaves no trace. */
export class NullLog implements RunLogger {
  context = "";
  info(): void {}
  warn(): void {}
  error(): void {}
  reject(): void {}
  flush(): void {}
  close(): void {}
}

/** A run's log files, buffered and flushed as they fill. */
export class RunLog implements RunLogger {
  readonly path: string;
  readonly relativePath: string;
  readonly #run: Deno.FsFile;
  readonly #errors: Deno.FsFile;
  readonly #mask: SecretMask;
  readonly #encoder = new TextEncoder();
  #runBuffer = "";
  #errorBuffer = "";
  #prefix = "";

  private constructor(
    path: string,
    relative: string,
    run: Deno.FsFile,
    errors: Deno.FsFile,
    mask: SecretMask,
  ) {
    this.path = path;
    this.relativePath = relative;
    this.#run = run;
    this.#errors = errors;
    this.#mask = mask;
  }

  /** Opens both files; fails before any work is done when logs/ cannot be written. */
  static open(logsDir: string, runId: number, startedAt: Date, mask: SecretMask): RunLog {
    const name = `${localStamp(startedAt).replace(/:/g, "-").replace(" ", "T")}-run-${runId}.log`;
    const path = join(logsDir, name);
    let run: Deno.FsFile | undefined;
    try {
      Deno.mkdirSync(logsDir, { recursive: true });
      run = Deno.openSync(path, { create: true, append: true });
      const errors = Deno.openSync(
        join(logsDir, `errors-${localStamp(startedAt).slice(0, 10)}.log`),
        {
          create: true,
          append: true,
        },
      );
      return new RunLog(path, `logs/${name}`, run, errors, mask);
    } catch (error) {
      run?.close();
      throw new PlutusError(`cannot write the run log in ${logsDir}: ${(error as Error).message}`, {
        code: "log_unwritable",
        hint:
          "Make the logs/ folder writable (and check the disk has space), then run again; nothing was loaded.",
        cause: error,
      });
    }
  }

  /** The text put before each line, e.g. the step's source and file. */
  get context(): string {
    return this.#prefix;
  }

  set context(prefix: string) {
    this.#prefix = prefix ? `${prefix}: ` : "";
  }

  info(message: string): void {
    this.#write("INFO", message);
  }

  warn(message: string): void {
    this.#write("WARN", message, true);
  }

  error(message: string): void {
    this.#write("ERROR", message, true);
  }

  /** One rejected row problem: where, which column, what value and why. */
  reject(location: string, column: string | null, value: string | null, reason: string): void {
    const what = column ? `${column}=${value === null ? "(empty)" : JSON.stringify(value)}: ` : "";
    this.#write("REJECT", `${location} ${what}${reason}`, true, false);
  }

  /** Writes buffered lines to disk. */
  flush(): void {
    if (this.#runBuffer) writeAll(this.#run, this.#encoder.encode(this.#runBuffer));
    if (this.#errorBuffer) writeAll(this.#errors, this.#encoder.encode(this.#errorBuffer));
    this.#runBuffer = "";
    this.#errorBuffer = "";
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.#run.close();
      this.#errors.close();
    }
  }

  #write(level: Level, message: string, isError = false, prefixed = true): void {
    const prefix = prefixed ? this.#prefix : "";
    // one line per event: a line break or an ESC in a file name or a value is escaped
    const line = this.#mask.mask(
      `${localStamp(new Date())} ${level.padEnd(6)} ${escapeControls(prefix + message, "\t")}\n`,
    );
    this.#runBuffer += line;
    if (isError) this.#errorBuffer += line.replace(/^(\S+ \S+) /, `$1 ${this.#runLabel()} `);
    if (this.#runBuffer.length > 65536 || this.#errorBuffer.length > 65536) this.flush();
  }

  #runLabel(): string {
    return `[${this.relativePath.replace(/^logs\/.*-run-(\d+)\.log$/, "run $1")}]`;
  }
}

function writeAll(file: Deno.FsFile, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += file.writeSync(bytes.subarray(written));
}
