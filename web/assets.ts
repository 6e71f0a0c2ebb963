/**
 * The GUI's stylesheet and script, as strings: the compiled binary carries them, and the
 * page needs nothing from the network (no CDN).
 *
 * @module
 */
import { STATUS_CSS } from "./status_colors.ts";

/** The stylesheet. */
export const CSS = `
:root { --ink: #1d2430; --muted: #5b6472; --line: #dfe3ea; --bg: #f6f7f9; --ok: #1a7f37; --bad: #c62828;
  --warn: #9a6700; --accent: #2458d6; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--bg); font-size: 15px; line-height: 1.45; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 0 24px; display: flex; gap: 24px; align-items: center; }
header strong { font-size: 18px; padding: 14px 0; }
nav a { display: inline-block; padding: 16px 10px; color: var(--muted); text-decoration: none; border-bottom: 3px solid transparent; }
nav a.here { color: var(--ink); border-bottom-color: var(--accent); }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 16px; } h2 { font-size: 17px; margin: 28px 0 10px; }
section, .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow: auto; max-height: 560px; border: 1px solid var(--line); border-radius: 8px; }
button, .button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: 9px 16px; font-size: 15px; cursor: pointer; text-decoration: none; display: inline-block; }
button.quiet, .button.quiet { background: #eef1f6; color: var(--ink); }
[hidden] { display: none !important; }
input[type=text], input[type=password], input[type=url], select, textarea { font: inherit; padding: 7px 9px; border: 1px solid #c9cfd8; border-radius: 6px; background: #fff; }
.card input[type=text], .card input[type=password], .card input[type=url] { width: 100%; }
.card h2 { margin-top: 0; }
textarea { width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
label { display: block; margin: 10px 0 4px; color: var(--muted); }
pre { background: #0f1720; color: #dbe2ea; padding: 12px; border-radius: 8px; overflow: auto; max-height: 520px; font-size: 12.5px; }
.status { border-left: 6px solid var(--line); }
.status .message { font-weight: 600; } .status ul { margin: 8px 0 0; padding-left: 18px; color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; background: #eef1f6; }
${STATUS_CSS}
.error { background: #fde2e2; color: #7a1313; border-radius: 8px; padding: 10px 14px; margin-bottom: 16px; white-space: pre-wrap; }
.notice { background: #dcf5e3; color: #0d4b22; border-radius: 8px; padding: 10px 14px; margin-bottom: 16px; }
.hint { color: var(--muted); } .muted { color: var(--muted); font-size: 13px; }
.drop { border: 2px dashed #b9c2cf; border-radius: 10px; padding: 28px; text-align: center; color: var(--muted); background: #fff; }
.drop.over { border-color: var(--accent); background: #eef3ff; }
.row { display: flex; gap: 16px; align-items: end; flex-wrap: wrap; } .grow { flex: 1; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; background: #eef1f6; color: var(--ink); padding: 0 4px; border-radius: 4px; }
.problems { border-left: 6px solid var(--bad); } .problems[data-count="0"] { border-left-color: var(--ok); }
.problems h2 { margin-top: 0; } .problems ul { margin: 0; padding-left: 18px; } .problems li { margin-bottom: 12px; }
.problems form { margin-top: 6px; } .ok-line, .resolved { color: var(--ok); font-weight: 600; }
`;

/** The script: live status over server-sent events, uploads, and the schema editor's error line. */
export const JS = `
"use strict";
const csrf = document.querySelector('meta[name="csrf"]').content;

function post(url, body) {
  return fetch(url, { method: "POST", headers: { "X-CSRF-Token": csrf }, body });
}

// An answer as { error } when it is not the JSON asked for: a GUI started again wants its
// new token (401), a refused form says why in plain text; no network at all says so too.
async function answerOf(request) {
  try {
    const response = await request;
    const text = await response.text();
    try { return { response, answer: JSON.parse(text) }; } catch { return { response, answer: { error: text || "HTTP " + response.status } }; }
  } catch {
    return { response: { ok: false }, answer: { error: "Plutus does not answer: is plutus serve still running? Start it again and open the URL it prints." } };
  }
}

// Live status: every page with a status box follows the current run.
const box = document.getElementById("status");
if (box) {
  const events = new EventSource("/events");
  let last = box.dataset.state;
  events.onmessage = (event) => {
    const status = JSON.parse(event.data);
    box.dataset.state = status.state;
    box.querySelector(".message").textContent = status.message;
    const list = box.querySelector("ul");
    list.replaceChildren(...status.lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
    const link = box.querySelector("a.run");
    if (link && status.runId) { link.href = "/runs/" + status.runId; link.hidden = status.state === "running"; }
    if (last === "running" && status.state !== "running" && box.dataset.reload === "yes") setTimeout(() => location.reload(), 300);
    if (last === "running" && status.state !== "running" && box.dataset.refresh) refresh(box.dataset.refresh);
    last = status.state;
  };
}

// One part of the page, fetched again (the files a run left in inbox/).
async function refresh(id) {
  const text = await (await fetch(location.href)).text();
  const fresh = new DOMParser().parseFromString(text, "text/html").getElementById(id);
  const current = document.getElementById(id);
  if (fresh && current) current.replaceWith(fresh);
}

// Upload: files stream to the server one by one, then one run loads them.
const form = document.getElementById("upload");
if (form) {
  const input = form.querySelector('input[type="file"]');
  const drop = document.getElementById("drop");
  const chosen = document.getElementById("chosen");
  // a file chosen before this script ran (a slow page, or one the browser restored) is
  // taken too: its "change" came before anyone listened
  let files = [...input.files];
  // KB below 1 MB, then MB; thousands separated, as the Logs & exports page shows sizes
  const size = (bytes) => bytes < 1024 ? bytes + " B" : bytes < 1048576
    ? (bytes / 1024).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " KB"
    : (bytes / 1048576).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " MB";
  const show = () => { chosen.textContent = files.length ? files.map((f) => f.name + " (" + size(f.size) + ")").join(", ") : "No file chosen."; };
  if (files.length) show();
  input.addEventListener("change", () => { files = [...input.files]; show(); });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); files = [...e.dataTransfer.files]; show(); });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const message = document.getElementById("upload-message");
    if (!files.length) { message.textContent = "Choose or drop files first."; return; }
    const source = form.querySelector("select").value;
    // all or none: a file over the limit found before any is sent, not after some wait in inbox/
    const limitMb = Number(form.dataset.limitMb);
    const large = files.filter((file) => file.size > limitMb * 1048576);
    if (large.length) {
      message.textContent = large.map((f) => f.name + " (" + size(f.size) + ")").join(", ") + (large.length > 1 ? " are" : " is") +
        " larger than the upload limit of " + limitMb + " MB: nothing was uploaded. Raise upload_limit_mb in plutus.yaml, or copy the file into inbox/ and click Run.";
      return;
    }
    const names = [];
    for (const file of files) {
      message.textContent = "Uploading " + file.name + "…";
      const { response, answer } = await answerOf(post("/upload?name=" + encodeURIComponent(file.name), file));
      if (!response.ok) {
        message.textContent = answer.error + (names.length ? " " + names.join(", ") + (names.length > 1 ? " wait" : " waits") + " in inbox/ and " + (names.length > 1 ? "load" : "loads") + " with the next run." : "");
        return;
      }
      names.push(answer.name);
    }
    message.textContent = "Uploaded " + names.length + " file(s); loading…";
    const body = new URLSearchParams();
    for (const name of names) body.append("files", name);
    body.set("source", source);
    const { answer } = await answerOf(post("/run", body));
    message.textContent = answer.error ?? "Uploaded " + names.length + " file(s); the status below shows how they load.";
  });
}

// Query: while one runs, Stop asks the server to stop it; the page then says so.
const queryForm = document.getElementById("query");
if (queryForm) {
  const stop = document.getElementById("query-stop");
  let done;
  queryForm.addEventListener("submit", (e) => {
    stop.hidden = false;
    // an export ends in a download, not in a new page: its answer's cookie says it ended
    if (!e.submitter || !e.submitter.formAction.endsWith("/query/export")) return;
    const name = "plutus_export_done_" + queryForm.elements.query_id.value;
    clearInterval(done);
    done = setInterval(() => {
      if (!document.cookie.split("; ").includes(name + "=1")) return;
      clearInterval(done);
      stop.hidden = true;
      document.cookie = name + "=; Max-Age=0; Path=/; SameSite=Strict";
    }, 250);
  });
  stop.addEventListener("click", () => {
    stop.hidden = true;
    post("/query/stop", new URLSearchParams({ query_id: queryForm.elements.query_id.value }));
  });
}

// Schema editor: put the cursor on the line the error names.
const editor = document.querySelector("textarea[data-error-line]");
if (editor) {
  const line = Number(editor.dataset.errorLine);
  const lines = editor.value.split("\\n");
  const start = lines.slice(0, line - 1).join("\\n").length + (line > 1 ? 1 : 0);
  editor.focus();
  editor.setSelectionRange(start, start + (lines[line - 1] ?? "").length);
  editor.scrollTop = Math.max(0, (line - 5) * 18);
}
`;
