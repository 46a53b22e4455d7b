/// Where the console and the standalone simulator listen during a run, shared by the
/// Playwright config, the global setup and the specs.
export const consolePort = Number(process.env.E2E_PORT ?? 3107);
export const simulatorPort = Number(process.env.E2E_SIM_PORT ?? 3108);
export const baseURL = `http://127.0.0.1:${consolePort}`;
export const simulatorURL = `http://127.0.0.1:${simulatorPort}`;
/// The only key the simulator accepts; the console is given the same one.
export const simulatorKey = process.env.E2E_SIM_KEY ?? "e2e-simulator-key";
