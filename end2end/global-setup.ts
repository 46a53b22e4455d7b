import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { baseURL } from "./playwright.config";
import { OPERATORS, PASSWORD } from "./tests/operators";

// Waits until the console answers /healthz, then adds one operator per role with the CLI,
// against the same SQLite file the server uses.
export default async function globalSetup(): Promise<void> {
  const deadline = Date.now() + 60_000;
  let lastError = "";
  for (;;) {
    try {
      const response = await fetch(`${baseURL}/healthz`);
      if (response.ok) break;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    if (Date.now() > deadline) throw new Error(`console did not become healthy at ${baseURL}: ${lastError}`);
    await new Promise((done) => setTimeout(done, 250));
  }

  const binary = resolve(__dirname, "..", "target/release/reseller-console");
  const databaseUrl = `sqlite://${process.env.E2E_DATA_DIR}/console.db`;
  for (const [role, email] of Object.entries(OPERATORS)) {
    execFileSync(binary, ["operator", "add", "--email", email, "--role", role, "--password-stdin", "--database-url", databaseUrl], {
      input: PASSWORD,
    });
  }
}
