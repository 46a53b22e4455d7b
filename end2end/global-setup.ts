import { request } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { baseURL, simulatorURL } from "./tests/env";
import { OPERATORS, PASSWORD } from "./tests/operators";
import { addCustomer } from "./tests/simulator";
import { CUSTOMERS } from "./tests/world";

async function waitFor(url: string, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let lastError = "";
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    if (Date.now() > deadline) throw new Error(`${what} did not answer at ${url}: ${lastError}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

// Waits for the simulator and the console, adds the specs' customers to the simulator, adds
// one operator per role with the CLI (against the console's SQLite file), then runs the
// directory's first sync through the console and waits for it to end.
export default async function globalSetup(): Promise<void> {
  await waitFor(`${simulatorURL}/_sim/clock`, "the simulator");
  await waitFor(`${baseURL}/healthz`, "the console");

  for (const customer of Object.values(CUSTOMERS)) {
    await addCustomer(customer);
  }

  const binary = resolve(__dirname, "..", "target/release/reseller-console");
  const databaseUrl = `sqlite://${process.env.E2E_DATA_DIR}/console.db`;
  for (const [role, email] of Object.entries(OPERATORS)) {
    execFileSync(binary, ["operator", "add", "--email", email, "--role", role, "--password-stdin", "--database-url", databaseUrl], {
      input: PASSWORD,
    });
  }

  const console = await request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  try {
    const login = await console.post("/login", {
      form: { email: OPERATORS.admin, password: PASSWORD, next: "/" },
      maxRedirects: 0,
    });
    if (login.status() !== 303) throw new Error(`admin sign-in answered ${login.status()}`);
    const started = await console.post("/api/refresh_directory", { headers: { accept: "application/json" } });
    if (!started.ok()) throw new Error(`refresh_directory answered ${started.status()}: ${await started.text()}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await console.post("/api/directory_status", { headers: { accept: "application/json" } });
      const status = await answer.json();
      if (!status.running && status.last_success_at) {
        if (status.customers < Object.keys(CUSTOMERS).length) {
          throw new Error(`the first sync found only ${status.customers} customers`);
        }
        break;
      }
      if (!status.running && status.last_failure) throw new Error(`the first sync failed: ${status.last_failure}`);
      if (Date.now() > deadline) throw new Error(`the first sync did not end: ${JSON.stringify(status)}`);
      await new Promise((done) => setTimeout(done, 250));
    }
  } finally {
    await console.dispose();
  }
}
