/**
 * How Plutus runs: the permissions and V8 settings the compiled executable has baked in
 * (tools/compile.ts), which `deno task plutus`, the tests and the benchmarks use too, so
 * that they all try the program the analyst gets. deno.json's `plutus` task repeats them
 * (a test keeps the two equal).
 *
 * @module
 */

/**
 * Files anywhere (the project folder is the analyst's choice), the environment (.env and
 * ${VAR}), the network (API sources; the GUI on 127.0.0.1). A subprocess only for
 * `serve --open` (see web/open_browser.ts), granted per platform. No FFI.
 */
export const PERMISSIONS = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];

/**
 * A young generation of at most 8 MB per semi-space (V8 lets it grow larger): on a
 * 1M-row CSV the same speed with ~30% less peak memory (160 MB, not 225), and a GUI that
 * keeps ~15% less after use. Smaller (2, 4 MB) was 15-20% slower. Measured with bench/.
 * `gc()` exposed: loads and the idle GUI ask for collections V8 would put off (core/gc.ts).
 */

export const V8_FLAGS = ["--v8-flags=--max-semi-space-size=8,--expose-gc"];

/** `deno run` arguments before the script, as the executable runs. */
export const RUN_FLAGS = [...PERMISSIONS, ...V8_FLAGS];
