import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { baseURL, consolePort, simulatorKey, simulatorPort, simulatorURL } from "./tests/env";

// The real release binary twice: the SendGrid simulator alone (so tests can reach its `/_sim/`
// control plane) and the console pointed at it, with a fresh SQLite file per run.
const repoRoot = resolve(__dirname, "..");
const binary = `${repoRoot}/target/release/reseller-console`;
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), "reseller-console-e2e-"));
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  globalSetup: "./global-setup.ts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: [
    {
      command: `${binary} simulator --addr 127.0.0.1:${simulatorPort} --customers 200 --seed 7`,
      cwd: repoRoot,
      env: { SIMULATOR_API_KEY: simulatorKey },
      url: `${simulatorURL}/_sim/clock`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      // No background directory sync: the global setup adds the tests' customers to the
      // simulator first, then runs the one sync the directory starts from.
      command: `${binary} serve --addr 127.0.0.1:${consolePort} --database-url sqlite://${dataDir}/console.db --upstream ${simulatorURL} --directory-sync-minutes 0`,
      cwd: repoRoot,
      // The access log (one line per request, every wasm chunk among them) is for operators;
      // here it would bury what a failing test printed.
      env: { SENDGRID_API_KEY: simulatorKey, RUST_LOG: "info,sqlx=warn,tower_sessions=warn,access=warn" },
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
