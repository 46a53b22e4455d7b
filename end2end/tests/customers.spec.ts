import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";

/// Opens the first customer on the seeded "Free Package" and returns its username.
async function openFreeCustomer(page: import("@playwright/test").Page): Promise<string> {
  await page.goto("/customers?package=Free+Package");
  const firstRow = page.locator("table tbody tr").first();
  await expect(firstRow).toBeVisible();
  await firstRow.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/customers\/[^/?]+/);
  return decodeURIComponent(new URL(page.url()).pathname.split("/")[2]);
}

test("a manager upgrades a free customer now, then finds the change in the audit log", async ({ page }) => {
  await signIn(page, "manager");
  const username = await openFreeCustomer(page);
  await hydrated(page);

  await page.getByLabel("Action").selectOption("upgrade");
  await page.getByLabel("Timing").selectOption("now");
  await page.getByLabel("Target package").selectOption("Basic Package");
  await page.getByLabel("IP group").fill("Transactional");
  await page.getByRole("button", { name: "Review change" }).click();
  await page.getByRole("button", { name: "Confirm change" }).click();
  const outcome = page.getByTestId("plan-outcome");
  await expect(outcome).toHaveAttribute("role", "status");
  await expect(outcome).toContainText("Recorded in the audit log");

  await page.goto("/audit");
  await page.getByLabel("Customer", { exact: true }).fill(username);
  await page.getByLabel("Outcome", { exact: true }).selectOption("success");
  await page.getByRole("button", { name: "Filter" }).click();
  const table = page.getByRole("table");
  await expect(table).toContainText("plan.immediate_upgrade");
  await expect(table).toContainText(username);

  // The link carries the same filters; fetched with the page's session.
  const href = await page.getByRole("link", { name: "Download CSV" }).getAttribute("href");
  expect(href).toContain(`customer=${encodeURIComponent(username)}`);
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/csv");
  const csv = await response.text();
  expect(csv.split("\n")[0]).toContain("action");
  expect(csv).toContain("plan.immediate_upgrade");

  await table.getByRole("link", { name: /^Details of event \d+$/ }).first().click();
  await expect(page.getByText("Basic Package").first()).toBeVisible();
});

test("support reads a customer's plan but is offered no change form", async ({ page }) => {
  await signIn(page, "support");
  await openFreeCustomer(page);
  await expect(page.getByRole("link", { name: "Plan" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Review change" })).toHaveCount(0);
});

test("customer-supplied HTML renders as text and runs nothing", async ({ page }) => {
  page.on("dialog", (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  await signIn(page, "support");
  await page.goto("/customers?q=script");
  await hydrated(page);
  await expect(page.getByText("<script>alert(1)</script>").first()).toBeVisible();
});
