/**
 * The frame of every page: navigation, the CSRF token for the script, messages, and the
 * live status box. Values are escaped by Hono's html template.
 *
 * @module
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { formatCount } from "../util/list_text.ts";
import { localStamp } from "../util/time.ts";
import type { LiveStatus } from "./run_broadcaster.ts";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const PAGES: [string, string][] = [
  ["/", "Run"],
  ["/upload", "Upload"],
  ["/sources", "Sources & keys"],
  ["/schema", "Schema"],
  ["/query", "Query"],
  ["/files", "Logs & exports"],
  ["/database", "Database"],
];

/** A whole page. */
export function page(
  options: {
    title: string;
    path: string;
    csrf: string;
    body: Html;
    error?: string;
    notice?: string;
    /**
     * Seconds after which the page loads itself again: a run that this GUI does not
     * follow live (one started from the command line) still shows its end, without script.
     */
    refreshSeconds?: number;
  },
): Html {
  return html`
    <!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf" content="${options.csrf}">${options.refreshSeconds
          ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">`
          : ""}
        <title>${options.title} · Plutus</title>
        <link rel="stylesheet" href="/assets/app.css">
        <script src="/assets/app.js" defer></script>
      </head>
      <body>
        <header><strong>Plutus</strong><nav>${PAGES.map(([href, name]) =>
          html`<a href="${href}" class="${isHere(options.path, href) ? "here" : ""}">${name}</a>`
        )}</nav></header>
        <main>
    ${options.error ? html`<div class="error" role="alert">${withCode(options.error)}</div>` : ""}
    ${options.notice
      ? html`<div class="notice" role="status">${withCode(options.notice)}</div>`
      : ""}
    ${options.body}
        </main>
      </body>
    </html>
  `;
}

function isHere(path: string, href: string): boolean {
  return href === "/" ? path === "/" || path.startsWith("/runs") : path.startsWith(href);
}

/**
 * The live status box; `reload` reloads the page when a run ends, or `refresh` names the
 * element of the page that is fetched again then (what the run changed, the form kept).
 */
export function statusBox(status: LiveStatus, reload = false, refresh = ""): Html {
  return html`
    <section class="status" id="status" data-state="${status.state}" data-reload="${reload
      ? "yes"
      : "no"}"
      data-refresh="${refresh}"
      aria-live="polite">
      <div class="message">${status.message}</div>
      <ul>${status.lines.map((line) => html`<li>${line}</li>`)}</ul>
      <a class="run" href="/runs/${status.runId ?? ""}" ${status.runId && status.state !== "running"
        ? ""
        : "hidden"}>Open this run</a>
    </section>
  `;
}

/** A hidden CSRF field for forms. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

/** 1234567 → "1,234,567". */
export function count(value: number): string {
  return formatCount(value);
}

/** An ISO time in the analyst's local time, as the CLI shows it. */
export function local(iso: string | null): string {
  return iso ? localStamp(new Date(iso)) : "—";
}

const COMMANDS = new Set([
  "init",
  "run",
  "upload",
  "rerun",
  "status",
  "rejects",
  "logs",
  "query",
  "export",
  "preview",
  "add-source",
  "serve",
  "check",
  "schema-json",
]);

/**
 * Text from core (an error, a hint) with the CLI commands (`plutus rerun 12`) and doc paths
 * (`docs/configuration.md`) in it set as code, so they stand out from the sentence around
 * them; everything escaped.
 */
export function withCode(text: string): Html {
  const parts: (string | { code: string })[] = [];
  const words = text.split(/( +)/);
  let plain = "";
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const doc = /^(\(?)(docs\/[\w-]+\.md(?:#[\w-]+)?)(.*)$/.exec(word);
    if (doc) {
      parts.push(plain + doc[1], { code: doc[2]! });
      plain = doc[3]!;
      continue;
    }
    const start = /^(\(?)plutus$/.exec(word);
    const command = words[i + 2]?.replace(/[.,;:)…]+$/, "");
    if (!start || command === undefined || !COMMANDS.has(command)) {
      plain += word;
      continue;
    }
    // the command, then its arguments: options, their values, paths, names in capitals, numbers
    let code = `plutus ${command}`;
    let rest = words[i + 2]!.slice(command.length);
    let j = i + 2;
    let afterOption = false;
    while (rest === "" && j + 2 < words.length) {
      const next = words[j + 2]!;
      const core = next.replace(/[.,;:)…]+$/, "");
      const argument = core.startsWith("-") || (afterOption && core !== "") ||
        /^[A-Z][A-Z_]*$/.test(core) || /^\d+$/.test(core) ||
        (/[/.*]/.test(core) && /^[\w./*~@-]+$/.test(core));
      if (!argument || core === "") break;
      code += ` ${core}`;
      afterOption = core.startsWith("--") && !core.includes("=");
      rest = next.slice(core.length);
      j += 2;
    }
    parts.push(plain + start[1], { code });
    plain = rest;
    i = j;
  }
  parts.push(plain);
  return html`${
    parts.map((part) => typeof part === "string" ? part : html`<code>${part.code}</code>`)
  }`;
}

export type { Html };
