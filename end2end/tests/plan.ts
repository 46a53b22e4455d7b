import { Page } from "@playwright/test";
import { hydrated } from "./fixtures";

/// On an open customer's Plan tab: a downgrade to Basic Package into the IP group
/// "Transactional", reviewed and confirmed by typing the username.
export async function downgradeToBasic(
  page: Page,
  username: string,
  timing: "now" | "end_of_cycle",
  js: boolean,
): Promise<void> {
  await page.getByLabel("Action").selectOption("downgrade");
  await page.getByLabel("Timing").selectOption(timing);
  await page.getByLabel("Target package").selectOption("Basic Package");
  await page.getByLabel("IP group").fill("Transactional");
  await page.getByRole("button", { name: "Review change" }).click();
  if (js) await hydrated(page);
  await page.getByLabel("Type the username to confirm").fill(username);
  await page.getByRole("button", { name: "Confirm change" }).click();
}
