/**
 * How Plutus runs: the permissions and V8 settings the compiled executable has baked in
 * (tools/compile.ts), which `deno task plutus`, the tests and the benchmarks use too, so
 * that they all try the program the analyst gets. deno.json's `plutus` task repeats them
 * (a test keeps the two equal).
 *
 * @module
 */

/**
 * Reads anywhere (the analyst names the files to upload), writes only inside the folder the
 * program runs in — `.` resolves when it starts, and Plutus runs itself again in the project
 * folder when `--project` names another (cli/relaunch.ts) —, the environment (.env and
 * ${VAR}), the network (API sources; the GUI on 127.0.0.1). No FFI. Subprocesses: see
 * SELF_FROM_SOURCE and tools/compile.ts.
 */
export const PERMISSIONS = ["--allow-read", "--allow-write=.", "--allow-env", "--allow-net"];

/**
 * From source (`deno task plutus`), the only programs it may run: deno, to run itself in
 * another project folder, and the browser opener for `serve --open` (web/open_browser.ts).
 * The executable is allowed itself (by its name on the PATH) and the opener instead.
 */
export const SELF_FROM_SOURCE = "--allow-run=deno,/usr/bin/xdg-open,/usr/bin/open";

/**
 * A young generation of at most 8 MB per semi-space (V8 lets it grow larger): on a
 * 1M-row CSV the same speed with ~30% less peak memory (160 MB, not 225), and a GUI that
 * keeps ~15% less after use. Smaller (2, 4 MB) was 15-20% slower. Measured with bench/.
 * `gc()` exposed: loads and the idle GUI ask for collections V8 would put off (util/gc.ts).
 */

export const V8_FLAGS = ["--v8-flags=--max-semi-space-size=8,--expose-gc"];

/**
 * Deno behaviour Plutus relies on. `no-legacy-abort`: a request's signal aborts only when
 * the browser goes away (the GUI stops an export nobody waits for), not also after every
 * answer sent — which Deno 2.9 still does by default, and then prints a notice about it in
 * the analyst's terminal.
 */
export const BEHAVIOUR_FLAGS = ["--unstable-no-legacy-abort"];

/**
 * `deno run` arguments before the script, as the executable runs — but for the programs it
 * may start (SELF_FROM_SOURCE here; the executable's own in tools/compile.ts).
 */
export const RUN_FLAGS = [...PERMISSIONS, ...V8_FLAGS, ...BEHAVIOUR_FLAGS, SELF_FROM_SOURCE];
