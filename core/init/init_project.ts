/**
 * `init`: a new project folder with the layout Plutus expects, a commented plutus.yaml
 * and schema, and with `demo` a working set of sources and messy sample files.
 * It never overwrites anything.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { PlutusError, UsageError } from "../../util/errors.ts";
import { schemaFiles, schemaLine } from "../../config/json_schemas.ts";
import {
  DEMO_AD_SPEND,
  DEMO_LEADS,
  DEMO_ORDERS,
  DEMO_PLUTUS_YAML,
  demoFiles,
  demoFollowUpFile,
} from "./demo_project.ts";
import {
  ENV_FILE,
  FOLDERS,
  GITIGNORE,
  LEADS_SCHEMA,
  PLUTUS_YAML,
  withDatabase,
  withTimeZone,
} from "./templates.ts";
import { databaseSetting } from "../project/edit_database.ts";
import { setEnvValue } from "../project/edit_config.ts";
import { PASSWORD_VARIABLE, withPasswordReference } from "../store/postgres/pg_url.ts";
import { machineTimeZone } from "../../config/time_zone.ts";

/** What init made. */
export interface InitResult {
  root: string;
  /** Paths relative to root, in the order they were written. */
  created: string[];
  /** The PostgreSQL server the project names (password left out), when it names one. */
  postgres?: string;
  /** Whether a password from --database went into .env. */
  passwordSaved: boolean;
}

/** Creates a project in `dir` (made if missing). Refuses if any file it writes exists. */
export async function initProject(
  dir: string,
  options: { demo?: boolean; database?: string } = {},
): Promise<InitResult> {
  const root = resolve(dir);
  let database = options.database === undefined ? undefined : databaseSetting(options.database);
  // no password given: the URL reads PG_PASSWORD, which .env has (empty) for it to be filled
  // in — or left empty, for a server that asks for none
  if (database?.label !== undefined && database.password === undefined) {
    const url = withPasswordReference(database.database);
    if (url !== database.database) database = { ...database, database: url, password: "" };
  }
  // checked before anything is made: .env cannot hold it, and a half-made project would be
  // refused by a second init
  if (database?.password !== undefined && /[\r\n]/.test(database.password)) {
    throw new UsageError("--database: the password holds a line break, which .env cannot hold", {
      hint: "Give the password without it, or set it on the server to one without.",
    });
  }
  const files: Record<string, string> = options.demo
    ? {
      "plutus.yaml": DEMO_PLUTUS_YAML,
      "schema/ad_spend.yaml": DEMO_AD_SPEND,
      "schema/leads.yaml": DEMO_LEADS,
      "schema/orders.yaml": DEMO_ORDERS,
      ...Object.fromEntries(
        Object.entries(demoFiles()).map(([name, text]) => [`inbox/${name}`, text]),
      ),
      [`samples/${demoFollowUpFile()[0]}`]: demoFollowUpFile()[1],
    }
    : { "plutus.yaml": PLUTUS_YAML, "schema/leads.yaml": LEADS_SCHEMA };
  if (database) files["plutus.yaml"] = withDatabase(files["plutus.yaml"]!, database.database);
  files["plutus.yaml"] = withTimeZone(files["plutus.yaml"]!, machineTimeZone());
  // Editors complete and check the YAML files against .schemas/ (docs/setup.md).
  for (const name of Object.keys(files)) {
    if (name.endsWith(".yaml")) files[name] = schemaLine(name) + files[name];
  }
  for (const [name, text] of Object.entries(schemaFiles())) files[`.schemas/${name}`] = text;
  files[".env"] = ENV_FILE;
  files[".gitignore"] = GITIGNORE;

  const taken: string[] = [];
  for (const name of Object.keys(files)) {
    if (await exists(join(root, name))) taken.push(name);
  }
  if (taken.length > 0) {
    throw new PlutusError(
      `${root} already has ${
        taken.includes("plutus.yaml") ? "a Plutus project" : taken.join(", ")
      }; nothing was changed`,
      {
        code: "project_exists",
        hint: "Choose a new folder: plutus init NEW_FOLDER. Plutus never overwrites a project.",
      },
    );
  }
  const created: string[] = [];
  for (const folder of Object.keys(FOLDERS)) {
    await Deno.mkdir(join(root, folder), { recursive: true });
  }
  for (const [name, text] of Object.entries(files)) {
    const path = join(root, name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeTextFile(path, text, {
      createNew: true,
      mode: name === ".env" ? 0o600 : undefined,
    });
    created.push(name);
  }
  // a password given inline in --database goes where every secret goes
  if (database?.password !== undefined) {
    await setEnvValue(join(root, ".env"), PASSWORD_VARIABLE, database.password);
  }
  return {
    root,
    created,
    postgres: database?.label,
    passwordSaved: database?.password !== undefined && database.password !== "",
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
