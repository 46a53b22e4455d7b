import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { customerState } from "./simulator";
import { CUSTOMERS } from "./world";

/// Chooses every customer on the seeded "Free Package" through the counted filter step and
/// answers how many were selected.
async function selectFreeCustomers(page: import("@playwright/test").Page): Promise<number> {
  await page.getByLabel("Package", { exact: true }).fill("Free Package");
  await page.getByRole("button", { name: "Count matching customers" }).click();
  const select = page.getByRole("button", { name: /^Select all \d+ matching$/ });
  await expect(select).toBeVisible();
  const count = Number((await select.textContent())!.match(/\d+/)![0]);
  expect(count).toBeGreaterThan(0);
  await select.click();
  await expect(page.getByText(`All ${count} matching customers are selected.`)).toBeVisible();
  return count;
}

test("a manager sets a credit limit for every customer a filter matches and watches it finish", async ({ page }) => {
  await signIn(page, "manager", "/bulk");
  await page.goto("/bulk");
  await hydrated(page);
  const count = await selectFreeCustomers(page);

  await page.getByLabel("Operation").selectOption("limit_total");
  // Only the chosen operation's fields show.
  await expect(page.getByLabel("Offering name")).toBeHidden();
  await page.getByLabel("Credits").fill("1234");
  await page.getByLabel("Customers at a time").fill("2");
  await page.getByRole("button", { name: "Review the change" }).click();

  await expect(page.getByText("Set the credit limit to 1,234 credits")).toBeVisible();
  const rows = page.locator(".bulk-review-table tbody tr");
  await expect(rows).toHaveCount(count);
  await expect(rows.first()).toContainText("1,234 left; allowance 1,234");

  await page.getByRole("button", { name: `Start the bulk change (${count} customers)` }).click();
  await expect(page).toHaveURL(/\/bulk\/\d+$/);
  await hydrated(page);
  const progress = page.getByTestId("bulk-progress");
  await expect(progress).toHaveText(`${count} of ${count} finished (100%)`, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Finished" })).toBeVisible();
  await expect(page.locator(".bulk-items tbody tr[data-status='done']")).toHaveCount(count);
  await expect(page.getByRole("progressbar", { name: "Customers finished" })).toHaveAttribute("value", String(count));

  // The report filters by outcome, and the job is listed on /bulk.
  await page.getByRole("link", { name: "Failed", exact: true }).click();
  await expect(page.getByText("No customer with this outcome.")).toBeVisible();
  await page.goto("/bulk");
  await expect(page.getByRole("table").last()).toContainText("Set the credit limit to 1,234 credits");
});

test("a manager downgrades two customers at once after typing the count, each checked like the Plan tab", async ({ page }) => {
  const users = [CUSTOMERS.bulkPlanA.username, CUSTOMERS.bulkPlanB.username];
  await signIn(page, "manager", "/bulk");
  await page.getByRole("link", { name: "Bulk" }).first().click();
  await expect(page).toHaveURL(/\/bulk$/);
  await hydrated(page);
  await page.getByRole("radio", { name: "These customers" }).check();
  await page.getByLabel("Usernames or account ids").fill(users.join("\n"));
  await page.getByLabel("Operation").selectOption("plan_downgrade");
  await expect(page.getByLabel("Credits")).toBeHidden();
  await page.getByLabel("Target package").fill("Basic Package");
  await page.getByLabel("When").selectOption("now");
  await page.getByLabel("IP groups").fill("Reseller Group");
  await page.getByRole("button", { name: "Review the change" }).click();

  await expect(page.getByText("Downgrade to Basic Package now, in the IP groups Reseller Group")).toBeVisible();
  const rows = page.locator(".bulk-review-table tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("Silver Package");
  await expect(rows.first()).toContainText("Basic Package");
  const start = page.getByRole("button", { name: "Start the bulk change (2 customers)" });
  await page.getByLabel(/type 2/i).fill("2");
  await start.click();
  await expect(page).toHaveURL(/\/bulk\/\d+$/);
  await hydrated(page);
  await expect(page.getByTestId("bulk-progress")).toHaveText("2 of 2 finished (100%)", { timeout: 30_000 });
  await expect(page.locator(".bulk-items tbody tr[data-status='done']")).toHaveCount(2);
  for (const user of users) {
    expect((await customerState(user)).v2?.package).toBe("Basic Package");
  }
  // Back returns to the review, which now finds nothing to change.
  await page.goBack();
  await expect(page.locator(".bulk-review-table tbody tr").first()).toContainText("No change");
});

test("the form says what is missing, next to the field", async ({ page }) => {
  await signIn(page, "manager", "/bulk");
  await page.goto("/bulk");
  await hydrated(page);
  await page.getByLabel("Usernames or account ids").fill("../../etc/passwd");
  await page.getByRole("radio", { name: "These customers" }).check();
  await page.getByRole("button", { name: "Review the change" }).click();
  await expect(page.getByText("Choose what to change.")).toBeVisible();
  await expect(page.getByText(/is not a username or account id/)).toBeVisible();
  await expect(page.getByLabel("Operation")).toHaveAttribute("aria-invalid", "true");
});

test("support and auditors are not offered bulk changes", async ({ page }) => {
  await signIn(page, "support");
  await expect(page.getByRole("link", { name: "Bulk" })).toHaveCount(0);
  const response = await page.goto("/bulk");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not available to your role" })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a pasted list is reviewed and started with plain forms", async ({ page }) => {
    await signIn(page, "manager", "/customers?package=Free+Package");
    await page.goto("/customers?package=Free+Package");
    const links = page.locator("table tbody tr td:first-child a");
    const hrefs = await links.evaluateAll((all) => all.slice(0, 3).map((a) => a.getAttribute("href")!));
    const usernames = hrefs.map((href) => decodeURIComponent(href.split("/")[2]));
    expect(usernames.length).toBeGreaterThan(0);

    await page.goto("/bulk");
    await page.getByRole("radio", { name: "These customers" }).check();
    await page.getByLabel("Usernames or account ids").fill(usernames.join("\n"));
    await page.getByLabel("Operation").selectOption("limit_total");
    await page.getByLabel("Credits").fill("4321");
    await page.getByRole("button", { name: "Review the change" }).click();
    await expect(page.locator(".bulk-review-table tbody tr")).toHaveCount(usernames.length);
    await page.getByRole("button", { name: /^Start the bulk change/ }).click();
    await expect(page).toHaveURL(/\/bulk\/\d+$/);
    for (let i = 0; i < 40; i++) {
      if ((await page.getByTestId("bulk-progress").textContent())?.includes("(100%)")) break;
      await page.waitForTimeout(250);
      await page.reload();
    }
    await expect(page.getByTestId("bulk-progress")).toHaveText(
      `${usernames.length} of ${usernames.length} finished (100%)`,
    );
    await expect(page.locator(".bulk-items tbody tr[data-status='done']")).toHaveCount(usernames.length);
  });
});
