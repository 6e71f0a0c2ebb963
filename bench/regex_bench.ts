/**
 * What linear-time regexes cost: a pattern test per value on 1M values, with RE2 (re2js,
 * what Plutus runs for patterns from config) beside V8's backtracking RegExp.
 * `deno run bench/regex_bench.ts`
 *
 * @module
 */
import { compileLinearRegex } from "../config/linear_regex.ts";

const VALUES = Array.from(
  { length: 1_000_000 },
  (_, i) => (i % 3 ? `user${i}@example.com` : `Total: ${i}`),
);
const PATTERNS = [
  "^Total",
  "^[A-Z]{2}$",
  "^\\d{5}$",
  "^(US|CA|MX)$",
  "^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$",
  "example",
];

function time(test: (value: string) => boolean): number {
  const started = performance.now();
  let matched = 0;
  for (const value of VALUES) if (test(value)) matched++;
  return matched >= 0 ? performance.now() - started : 0;
}

if (import.meta.main) {
  console.log("pattern (1M values)                         RegExp ms  RE2 ms");
  for (const pattern of PATTERNS) {
    const native = new RegExp(pattern, "u");
    const linear = compileLinearRegex(pattern);
    const a = time((value) => native.test(value));
    const b = time((value) => linear.test(value));
    console.log(`${pattern.padEnd(44)}${a.toFixed(0).padStart(9)}${b.toFixed(0).padStart(8)}`);
  }
}
