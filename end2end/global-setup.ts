import { baseURL } from "./playwright.config";

// Waits until the console answers /healthz, whoever started it.
export default async function globalSetup(): Promise<void> {
  const deadline = Date.now() + 60_000;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseURL}/healthz`);
      if (response.ok) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`console did not become healthy at ${baseURL}: ${lastError}`);
}
