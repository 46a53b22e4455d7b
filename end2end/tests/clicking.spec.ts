import { test, expect, hydrated } from "./fixtures";
import { signIn, RoleName } from "./operators";
import { watch } from "./trouble";
import { CUSTOMERS } from "./world";

// Bugs a person hits by clicking once the page has loaded, which `page.goto` tests miss.

for (const role of ["admin", "manager", "auditor"] as RoleName[]) {
  test(`${role}: the audit log opens from the navigation bar, and the next screen too`, async ({ page }) => {
    const trouble = watch(page);
    await signIn(page, role);
    await hydrated(page);
    await trouble.settled("the dashboard");
    const nav = page.getByRole("navigation", { name: "Main" });

    await nav.getByRole("link", { name: "Audit" }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    // Signing in is itself an event, so the unfiltered log has rows.
    await expect(page.getByRole("link", { name: /^Details of event \d+$/ }).first()).toBeVisible();
    await trouble.settled("the audit log");

    const next = role === "auditor" ? "Customers" : "Bulk";
    await nav.getByRole("link", { name: next }).click();
    await expect(page.getByRole("heading", { level: 1, name: next === "Bulk" ? "Bulk changes" : "Customers" })).toBeVisible();
    await trouble.settled(`${next} after the audit log`);
  });
}

test("a result clicked right after Enter opens the customer, and the late search does not take it back", async ({ page }) => {
  const c = CUSTOMERS.quickClick;
  const name = `${c.first_name} ${c.last_name}`;
  const trouble = watch(page);
  await signIn(page, "support");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" }).click();
  await hydrated(page);
  const search = page.getByRole("searchbox", { name: "Search customers" });
  await search.fill(c.username);
  await search.press("Enter");
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: c.username, exact: true }) });
  // Clicked as soon as it shows, inside the search-as-you-type debounce.
  await row.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}$`));
  // The debounce is 250 ms; a late search would have navigated back by now.
  await page.waitForTimeout(750);
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}$`));
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await trouble.settled("the customer page");
});
