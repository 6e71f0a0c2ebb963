/**
 * The GUI's view of the current run: it listens to the run's events (the same the CLI
 * draws from), keeps a snapshot for pages that open mid-run, and pushes every change to
 * the browsers watching /events.
 *
 * @module
 */
import type { RunEvent } from "../core/run/events.ts";
import type { Status } from "../core/store/mod.ts";
import { formatCount } from "../util/list_text.ts";

/** What the status box shows. */
export interface LiveStatus {
  /**
   * A run's status (core/store/mod.ts), or idle before the first run, or warning: the run
   * succeeded, but a file was left in inbox/ because no source reads it.
   */
  state: "idle" | "warning" | Extract<Status, "running" | "succeeded" | "failed">;
  runId?: number;
  /** One line per step: "google_ads file.csv: 1,234 rows read". */
  lines: string[];
  message: string;
}

type Listener = (status: LiveStatus) => void;

/** Holds the live status and the browsers that listen to it. */
export class RunBroadcaster {
  #status: LiveStatus = { state: "idle", lines: [], message: "No run since the GUI started." };
  readonly #listeners = new Set<Listener>();
  #planned = 0;
  #lastProgress = 0;

  get status(): LiveStatus {
    return this.#status;
  }

  readonly #closed = new AbortController();

  /**
   * Signals that the server is stopping: each page's live status stream ends on it, for a
   * server waits for its answers to finish, and that one never would (Ctrl-C with a page
   * open did not stop plutus serve).
   */
  get closing(): AbortSignal {
    return this.#closed.signal;
  }

  /** Ends every live status stream (the server is stopping). */
  close(): void {
    this.#closed.abort();
  }

  /** Subscribes; returns the unsubscribe function. */
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes one run event. */
  handle(event: RunEvent): void {
    const s = this.#status;
    switch (event.type) {
      case "run_started":
        this.#planned = event.planned.length;
        this.#status = {
          state: "running",
          runId: event.runId,
          lines: [],
          message: `Run ${event.runId} started: ${event.planned.length} step(s)`,
        };
        break;
      case "step_started":
        s.lines.push(`${event.source} ${event.input}: started`);
        s.message = `Run ${event.runId}: step ${event.index + 1} of ${this.#planned}`;
        break;
      case "step_progress": {
        // at most two pushes a second: enough for a live counter
        const now = Date.now();
        if (now - this.#lastProgress < 500) return;
        this.#lastProgress = now;
        s.lines[s.lines.length - 1] = `${event.source} ${event.input}: ${
          formatCount(event.rowsRead)
        } rows read`;
        break;
      }
      case "step_finished": {
        const step = event.step;
        const line =
          `${step.source || "—"} ${step.input}: ${step.status}, ${
            formatCount(step.rowsRead)
          } read, ` +
          `${formatCount(step.inserted)} inserted, ${formatCount(step.updated)} updated, ${
            formatCount(step.duplicate)
          } duplicate, ${formatCount(step.rejected)} rejected` +
          (step.error ? ` — ${step.error}` : "");
        const index = s.lines.findIndex((l) =>
          l.startsWith(`${step.source} ${step.input}:`) && !l.includes(" inserted,")
        );
        if (index === -1) s.lines.push(line);
        else s.lines[index] = line;
        break;
      }
      case "warning":
        s.lines.push(`warning: ${event.message}`);
        break;
      case "run_finished":
        this.#status = {
          state: event.run.status === "failed"
            ? "failed"
            : event.run.steps.some((x) => x.status === "skipped" && x.source === "")
            ? "warning"
            : "succeeded",
          runId: event.run.id,
          lines: s.lines,
          message:
            `Run ${event.run.id} ${event.run.status}: ${
              event.run.steps.filter((x) => x.status === "succeeded").length
            } loaded, ` +
            `${event.run.steps.filter((x) => x.status === "failed").length} failed, ${
              event.run.steps.filter((x) => x.status === "skipped").length
            } skipped`,
        };
        break;
    }
    this.#emit();
  }

  /**
   * Reports a run that stopped on an error after it began (a run refused before it began is
   * told to whoever asked for it, not here: the live status stays the current run's).
   */
  refused(message: string): void {
    this.#status = { state: "failed", lines: [], message };
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener(this.#status);
  }
}
