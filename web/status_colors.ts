/**
 * The colour of each status in the GUI, the one map every page paints with: the badge of a
 * run or a step, and the edge of the live status box. The stylesheet's rules for them are
 * made from it.
 *
 * @module
 */
import { html } from "hono/html";
import type { Status } from "../core/store/mod.ts";
import type { Html } from "./layout.ts";
import type { LiveStatus } from "./run_broadcaster.ts";

type Color = "ok" | "bad" | "warn" | "accent";

const STATUS_COLORS: Record<Status, Color> = {
  succeeded: "ok",
  failed: "bad",
  interrupted: "bad",
  skipped: "warn",
  running: "accent",
};

// the live box also says "warning": the run loaded, but a file waits that no source reads
const BOX_COLORS: Record<Exclude<LiveStatus["state"], "idle">, Color> = {
  running: STATUS_COLORS.running,
  succeeded: STATUS_COLORS.succeeded,
  failed: STATUS_COLORS.failed,
  warning: "warn",
};

const BADGE_BACKGROUNDS: Record<Color, string> = {
  ok: "#dcf5e3",
  bad: "#fde2e2",
  warn: "#fff4d6",
  accent: "#e3ebfb",
};

/** The stylesheet's rules for statuses: `.badge.failed`, `.status[data-state=running]` … */
export const STATUS_CSS = [
  ...Object.entries(STATUS_COLORS).map(([status, color]) =>
    `.badge.${status} { background: ${BADGE_BACKGROUNDS[color]}; color: var(--${color}); }`
  ),
  ...Object.entries(BOX_COLORS).map(([state, color]) =>
    `.status[data-state=${state}] { border-left-color: var(--${color}); }`
  ),
].join("\n");

/** A run's or a step's status as a badge in its colour. */
export function statusBadge(status: string): Html {
  return html`<span class="badge ${status}">${status}</span>`;
}
