import { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn, RoleName } from "./operators";
import { Trouble, watch } from "./trouble";
import { CUSTOMERS } from "./world";

// The person's path: every screen a role has, reached by clicking (main navigation, customer
// tabs, table links, Back and Forward) once the page has fully loaded. Any dialog, any server
// function answered 400 or 5xx, any page error or error notice fails the walk.

const c = CUSTOMERS.supportView;
const name = `${c.first_name} ${c.last_name}`;

const may = {
  audit: (role: RoleName) => role !== "support",
  bulk: (role: RoleName) => role === "admin" || role === "manager",
  operators: (role: RoleName) => role === "admin",
};

async function heading(page: Page, text: string | RegExp): Promise<void> {
  await expect(page.getByRole("heading", { level: 1, name: text })).toBeVisible();
}

async function walkCustomer(page: Page, trouble: Trouble): Promise<void> {
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Customers" }).click();
  await heading(page, "Customers");
  await trouble.settled("the directory");
  const search = page.getByRole("searchbox", { name: "Search customers" });
  await search.fill(c.username);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${c.username}`));
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: c.username, exact: true }) });
  await row.getByRole("link", { name }).click();
  await heading(page, name);
  await trouble.settled("the customer page");

  const tabs = page.getByRole("navigation", { name: "Customer sections" });
  for (const tab of ["Limits", "Offerings", "History", "Plan"]) {
    await tabs.getByRole("link", { name: tab }).click();
    await expect(page).toHaveURL(new RegExp(`/customers/${c.username}/${tab.toLowerCase()}$`));
    await expect(tabs.getByRole("link", { name: tab })).toHaveAttribute("aria-current", "page");
    // The Plan tab's own heading is for screen readers only.
    await expect(page.getByRole("heading", { level: 2, name: tab, exact: true })).toBeAttached();
    await trouble.settled(`the ${tab} tab`);
  }

  // Back through the tabs and the directory, then forward again.
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}/history$`));
  await expect(page.getByRole("heading", { level: 2, name: "History" })).toBeVisible();
  await trouble.settled("Back to History");
  await page.goBack();
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}$`));
  await heading(page, name);
  await page.goBack();
  await expect(page).toHaveURL(/\/customers(\?|$)/);
  await heading(page, "Customers");
  await trouble.settled("Back to the directory");
  await page.goForward();
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}$`));
  await heading(page, name);
  await trouble.settled("Forward to the customer");
}

for (const role of ["admin", "manager", "support", "auditor"] as RoleName[]) {
  test(`${role} reaches every screen by clicking`, async ({ page }) => {
    test.setTimeout(90_000);
    const trouble = watch(page);
    await signIn(page, role);
    await hydrated(page);
    await heading(page, "Dashboard");
    await trouble.settled("the dashboard");
    const nav = page.getByRole("navigation", { name: "Main" });

    await walkCustomer(page, trouble);

    if (may.audit(role)) {
      await nav.getByRole("link", { name: "Audit" }).click();
      await heading(page, "Audit log");
      await trouble.settled("the audit log");
      const first = page.getByRole("link", { name: /^Details of event \d+$/ }).first();
      const id = (await first.textContent())!.replace("#", "");
      await first.click();
      await expect(page).toHaveURL(new RegExp(`/audit/${id}$`));
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await trouble.settled("an audit event");
      await page.goBack();
      await heading(page, "Audit log");
      await trouble.settled("Back to the audit log");
      await page.goForward();
      await expect(page).toHaveURL(new RegExp(`/audit/${id}$`));
      await trouble.settled("Forward to the audit event");
    } else {
      await expect(nav.getByRole("link", { name: "Audit" })).toHaveCount(0);
    }

    if (may.bulk(role)) {
      await nav.getByRole("link", { name: "Bulk" }).click();
      await heading(page, "Bulk changes");
      await trouble.settled("the bulk screen");
      const job = page.getByRole("link", { name: /^#\d+$/ }).first();
      if ((await job.count()) > 0) {
        await job.click();
        await heading(page, /^Bulk change #\d+$/);
        await trouble.settled("a bulk job");
        await page.goBack();
        await heading(page, "Bulk changes");
      }
    } else {
      await expect(nav.getByRole("link", { name: "Bulk" })).toHaveCount(0);
    }

    if (may.operators(role)) {
      await nav.getByRole("link", { name: "Operators" }).click();
      await heading(page, "Operators");
      await trouble.settled("the operators screen");
    } else {
      await expect(nav.getByRole("link", { name: "Operators" })).toHaveCount(0);
    }

    await page.getByRole("link", { name: "Change password" }).click();
    await heading(page, "Change password");
    await trouble.settled("the password screen");

    await page.getByRole("link", { name: "Reseller Console", exact: true }).click();
    await heading(page, "Dashboard");
    await trouble.settled("back on the dashboard");
  });
}
