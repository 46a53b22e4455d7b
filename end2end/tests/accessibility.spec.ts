import AxeBuilder from "@axe-core/playwright";
import { Browser, Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { CUSTOMERS } from "./world";

// axe-core (WCAG 2.1 A and AA rules) on every screen, in the light and the dark scheme, with the
// keyboard's dialogs open too: no serious or critical violation anywhere.

const customer = CUSTOMERS.supportView.username;

const SCREENS: [string, string][] = [
  ["dashboard", "/"],
  ["customers", "/customers"],
  ["customer plan", `/customers/${customer}/plan`],
  ["customer limits", `/customers/${customer}/limits`],
  ["customer offerings", `/customers/${CUSTOMERS.offerings.username}/offerings`],
  ["customer history", `/customers/${customer}/history`],
  ["scheduled", "/scheduled"],
  ["approvals", "/approvals"],
  ["audit log", "/audit"],
  ["bulk", "/bulk"],
  ["operators", "/operators"],
  ["connection", "/connection"],
  ["notifications", "/notifications"],
  ["password", "/account/password"],
];

async function serious(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}

async function audit(browser: Browser, colorScheme: "light" | "dark"): Promise<string[]> {
  const context = await browser.newContext({ colorScheme });
  const page = await context.newPage();
  const found: string[] = [];
  await page.goto("/login");
  found.push(...(await serious(page, `${colorScheme} sign-in`)));
  await signIn(page, "admin");
  for (const [name, path] of SCREENS) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.locator(".loading")).toHaveCount(0, { timeout: 15_000 });
    found.push(...(await serious(page, `${colorScheme} ${name}`)));
  }
  // An event's page, and the keyboard's dialogs.
  await page.goto("/audit");
  await page.locator("table a[href^='/audit/']").first().click();
  await expect(page).toHaveURL(/\/audit\/\d+$/);
  // The address changes first; the screen (and its title) once its code has come.
  await expect(page.getByRole("heading", { name: /^Event \d+/, level: 1 })).toBeVisible();
  // Audited once its code has come: while the page hydrates, the document's title is set
  // again and is empty for that moment.
  await hydrated(page);
  await expect(page).toHaveTitle(/^Event \d+/);
  found.push(...(await serious(page, `${colorScheme} audit event`)));
  await expect(page.getByRole("button", { name: /Go to…/ })).toBeVisible();
  await page.keyboard.press("Control+k");
  await expect(page.getByRole("dialog", { name: "Go to" })).toBeVisible();
  found.push(...(await serious(page, `${colorScheme} go-to dialog`)));
  await page.keyboard.press("Escape");
  // The browser closes a modal dialog on Escape in a task of its own.
  await expect(page.getByRole("dialog", { name: "Go to" })).toBeHidden();
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  found.push(...(await serious(page, `${colorScheme} shortcuts dialog`)));
  await context.close();
  return found;
}

for (const scheme of ["light", "dark"] as const) {
  test(`no serious or critical accessibility violation on any screen, ${scheme}`, async ({ browser }) => {
    test.setTimeout(180_000);
    const found = await audit(browser, scheme);
    expect(found, found.join("\n")).toEqual([]);
  });
}
