import { jsonSchemas } from "./config/json_schemas.ts";
const s = jsonSchemas();
Deno.writeTextFileSync("/tmp/plutus.schema.json", JSON.stringify(s.plutus, null, 2));
Deno.writeTextFileSync("/tmp/table.schema.json", JSON.stringify(s.table, null, 2));
