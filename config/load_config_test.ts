import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { parseConfig } from "./load_config.ts";

/** The problems a config text produces, as the analyst reads them. */
function problems(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message.split("\n");
  }
  assert.fail("expected a ConfigError");
}

const source = (body: string) =>
  `sources:\n  ads:\n    kind: file\n    files: "ads_*.csv"\n    table: ad_spend\n${body}`;

Deno.test("parseConfig() fills in the defaults", () => {
  const { config } = parseConfig(source(""));
  assert.equal(config.database, "data/plutus.db");
  assert.equal(config.reject_limit, 0.05);
  const ads = config.sources.ads;
  assert.ok(ads?.kind === "file");
  assert.deepEqual(ads.files, ["ads_*.csv"]);
  assert.deepEqual(parseConfig("").config.sources, {});
});

Deno.test("parseConfig() reads column mappings in every form", () => {
  const { config } = parseConfig(source(
    "    columns:\n      date: Day\n      spend: { from: [Cost, Spend], clean: [parse_number] }\n      channel: { value: google }\n      year: 2024\n",
  ));
  const columns = config.sources.ads!.columns!;
  assert.deepEqual(columns.date, { from: ["Day"], value: undefined, clean: [] });
  assert.deepEqual(columns.spend?.from, ["Cost", "Spend"]);
  assert.deepEqual(columns.spend?.clean, [{ name: "parse_number", arg: null }]);
  assert.equal(columns.channel?.value, "google");
  assert.deepEqual(columns.year?.from, ["2024"]);
});

Deno.test("parseConfig() names file, line, key, expectation and value", () => {
  assert.deepEqual(problems("reject_limit: 5\n"), [
    "plutus.yaml:1 reject_limit: expected at most 1; got 5",
  ]);
  assert.deepEqual(problems(source("    csv: { delimiter: ab }\n")), [
    'plutus.yaml:6 sources.ads.csv.delimiter: a delimiter is one character such as "," ";" "|" or the word tab; got "ab"',
  ]);
  assert.deepEqual(problems("sources:\n  ads:\n    kind: fil\n"), [
    'plutus.yaml:3 sources.ads.kind: expected kind: file or api; got "fil"',
  ]);
});

Deno.test("parseConfig() suggests the key that was meant", () => {
  assert.deepEqual(problems(source("    tabel: x\n")), [
    'plutus.yaml:6 sources.ads.tabel: unknown key (did you mean "table"?); expected one of kind, files, table, csv, sheet, skip_lines, stop_at, columns, reject_limit, timezone, description',
  ]);
  assert.deepEqual(problems("databse: x.db\n"), [
    'plutus.yaml:1 databse: unknown key (did you mean "database"?); expected one of database, database_schema, reject_limit, timezone, upload_limit_mb, query_timeout_seconds, sources',
  ]);
});

Deno.test("parseConfig() checks clean rules and their arguments", () => {
  const [unknown] = problems(
    source("    columns:\n      spend: { from: Cost, clean: [trim, parse_numbr] }\n"),
  );
  assert.match(
    unknown!,
    /^plutus\.yaml:7 sources\.ads\.columns\.spend\.clean\[1\]: unknown clean rule "parse_numbr" \(did you mean "parse_number"\?\)/,
  );
  assert.deepEqual(
    problems(source("    columns:\n      spend: { from: Cost, clean: [url_param] }\n")),
    [
      "plutus.yaml:7 sources.ads.columns.spend.clean[0]: url_param needs an argument, written as {url_param: utm_source}",
    ],
  );
  assert.deepEqual(
    problems(
      source(
        "    columns:\n      spend: { from: Cost, clean: [{ parse_number: { decimal: ';' } }] }\n",
      ),
    ),
    [
      'plutus.yaml:7 sources.ads.columns.spend.clean[0].parse_number.decimal: expected one of ., ,; got ";"',
    ],
  );
  assert.deepEqual(problems(source("    columns:\n      x: { from: a, value: b }\n")), [
    "plutus.yaml:7 sources.ads.columns.x: give from (a header to read) or value (a constant), not both",
  ]);
});

Deno.test("parseConfig() refuses a broken regular expression", () => {
  assert.deepEqual(problems(source('    stop_at: "^(Total"\n')), [
    'plutus.yaml:6 sources.ads.stop_at: not a valid regular expression (missing closing ): `^(Total`); got "^(Total"',
  ]);
  assert.deepEqual(problems(source('    stop_at: "^(?!Total)"\n')), [
    'plutus.yaml:6 sources.ads.stop_at: Plutus runs patterns in linear time (RE2 syntax), which has no lookahead or lookbehind ((?!...): match the surrounding text instead; got "^(?!Total)"',
  ]);
});

Deno.test("parseConfig() reports YAML syntax errors with their line", () => {
  const [syntax] = problems("sources:\n  ads: [1, 2\nx: y\n");
  assert.match(syntax!, /^plutus\.yaml:\d+: YAML syntax: /);
  assert.deepEqual(problems("database: a\ndatabase: b\n"), [
    "plutus.yaml:2: YAML syntax: Map keys must be unique",
  ]);
});

Deno.test("parseConfig() refuses a YAML alias bomb with its file and line, not as a bug", () => {
  const levels = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 9; i++) {
    const [prev, name] = ["abcdefghi"[i - 1], "abcdefghi"[i]];
    levels.push(`  ${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  const error = (() => {
    try {
      parseConfig(`sources: {}\nlaughs:\n${levels.join("\n")}\n`, "plutus.yaml", () => undefined);
    } catch (error) {
      return error;
    }
  })();
  assert.ok(error instanceof ConfigError, String(error));
  assert.equal(
    error.message,
    "plutus.yaml:4: YAML aliases (*name) here expand to too much data (more than 100 copies): Plutus does not read it",
  );
});

Deno.test("parseConfig() resolves ${VAR} and reports the ones without a value at their line", () => {
  const env: Record<string, string> = { DB_DIR: "warehouse", TOKEN: "s3cret-token" };
  const { config, secrets } = parseConfig(
    'database: "${DB_DIR}/plutus.db"\n',
    "plutus.yaml",
    (name) => env[name],
  );
  assert.equal(config.database, "warehouse/plutus.db");
  assert.deepEqual(secrets, ["warehouse"]);
  try {
    parseConfig(
      'reject_limit: 0.1\ndatabase: "${NOPE}/x.db"\n',
      "plutus.yaml",
      (name) => env[name],
    );
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(
      error.message,
      "plutus.yaml:2 database: ${NOPE} has no value; add NOPE=… to the project's .env file, or set it in the environment",
    );
  }
});

Deno.test("parseConfig() reads timezone: as an IANA zone, naming the one meant on a typo", () => {
  assert.equal(parseConfig("timezone: europe/berlin\n").config.timezone, "Europe/Berlin");
  assert.equal(
    parseConfig("").config.timezone,
    Intl.DateTimeFormat().resolvedOptions().timeZone,
  );
  assert.deepEqual(problems("database: data/plutus.db\ntimezone: Europe/Berln\n"), [
    'plutus.yaml:2 timezone: unknown time zone "Europe/Berln" (did you mean "Europe/Berlin"?); use an IANA name such as Europe/Berlin, America/New_York or UTC',
  ]);
  assert.deepEqual(problems("timezone: Mars/Base\n"), [
    'plutus.yaml:1 timezone: unknown time zone "Mars/Base"; use an IANA name such as Europe/Berlin, America/New_York or UTC',
  ]);
});

Deno.test("parseConfig({ perSource }) sets aside a source with its own problems and loads the others", () => {
  const text = `sources:
  ads:
    kind: file
    files: "ads_*.csv"
    table: ad_spend
  crm:
    kind: api
    url: https://api.example.com/v1/contacts
    auth: { type: bearer, token: "\${CRM_TOKEN}" }
    table: leads
  shop:
    kind: api
    url: "not a url"
    table: orders
  Bad.Name:
    kind: file
    files: x.csv
    table: t
`;
  const { config, sourceProblems } = parseConfig(text, "plutus.yaml", () => undefined, {
    perSource: true,
  });
  assert.deepEqual(Object.keys(config.sources), ["ads"]);
  assert.deepEqual([...sourceProblems.keys()], ["crm", "shop", "Bad.Name"]);
  const crm = sourceProblems.get("crm")!;
  assert.equal(
    crm.message,
    "plutus.yaml:9 sources.crm.auth.token: ${CRM_TOKEN} has no value; add CRM_TOKEN=… to the project's .env file, or set it in the environment",
  );
  assert.match(crm.hint!, /^Add CRM_TOKEN=… to the project's \.env file/);
  assert.match(
    sourceProblems.get("shop")!.message,
    /^plutus\.yaml:13 sources\.shop\.url: expected a web address/,
  );
  assert.match(sourceProblems.get("shop")!.hint!, /^Fix sources\.shop in plutus\.yaml/);
  assert.match(sourceProblems.get("Bad.Name")!.message, /a source name uses letters/);
  // without perSource, as editors validate a whole file: every problem throws
  assert.throws(() => parseConfig(text), ConfigError);
  // a variable outside sources is the whole project's problem
  assert.throws(
    () =>
      parseConfig('database: "${NOPE}/x.db"\n', "plutus.yaml", () => undefined, {
        perSource: true,
      }),
    /plutus\.yaml:1 database: \$\{NOPE\} has no value/,
  );
});

Deno.test("parseConfig() never prints a database password, inline or from .env", () => {
  const inline = "database: postgres://plutus:Inl1ne-Secret@db.example.com/m\n" +
    "reject_limit: 2\nsources:\n  x:\n    kind: fil\n";
  const message = problems(inline).join("\n");
  assert.match(message, /reject_limit/);
  const loaded = parseConfig("database: postgres://plutus:Inl1ne-Secret@db.example.com/m\n");
  assert.deepEqual(loaded.secrets, ["Inl1ne-Secret"]);
  try {
    parseConfig(
      'database: postgres://plutus:${PG_PASSWORD}@db.example.com/m\nreject_limit: "${PG_PASSWORD}"\n',
      "plutus.yaml",
      (name) => name === "PG_PASSWORD" ? "From-Env-Secret" : undefined,
    );
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /reject_limit/);
    assert.ok(!error.message.includes("From-Env-Secret"), error.message);
  }
});

Deno.test("parseConfig() reads database_schema:, public when absent, and refuses a name SQL must quote", () => {
  assert.equal(parseConfig("").config.database_schema, "public");
  assert.equal(parseConfig("database_schema: marketing\n").config.database_schema, "marketing");
  assert.match(
    problems("database_schema: Marketing Data\n")[0]!,
    /^plutus\.yaml:1 database_schema: a schema name uses lowercase letters/,
  );
});

Deno.test("parseConfig() refuses a whole number past 2^53 that YAML would round, naming it and its quotes", () => {
  const text = `sources:
  tweets:
    kind: api
    url: https://api.example.com/2/tweets
    table: tweets
    params: { since_id: 1234567890123456789, max_results: 100, big: 1e20, two53: 9007199254740992 }
    incremental: { field: id, param: since_id, initial: "1234567890123456789" }
`;
  try {
    parseConfig(text);
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(
      error.message,
      'plutus.yaml:6 sources.tweets.params.since_id: 1234567890123456789 is a whole number past 2^53, which would be read as 1234567890123456800: write it in quotes, "1234567890123456789"',
    );
    assert.match(error.hint ?? "", /in quotes/);
  }
  // in quotes, the digits are sent as written
  const quoted = parseConfig(
    text.replace("since_id: 1234567890123456789", 'since_id: "1234567890123456789"'),
  );
  const source = quoted.config.sources.tweets as { params: Record<string, unknown> };
  assert.equal(source.params.since_id, "1234567890123456789");
});
