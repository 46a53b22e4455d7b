import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { openCustomer } from "./directory";
import { addFault, clearFaults, customerState } from "./simulator";
import { CUSTOMERS } from "./world";

// The directory as a list to work in: one line per customer, the search and sort kept while
// the operator opens customers, and linking a customer's halves done on its own page.

const nameOf = (c: { first_name: string; last_name: string }) => `${c.first_name} ${c.last_name}`;

test("an admin unlinks and links a customer's v2 and v3 halves from its page", async ({ page }) => {
  const c = CUSTOMERS.linkPair;
  const account = (await customerState(c.username)).v3!.id;
  await signIn(page, "admin");
  await openCustomer(page, c.username, nameOf(c), true);
  await expect(page.getByRole("columnheader", { name: "Link" })).toHaveCount(0);
  const header = page.locator(".customer-header");
  await expect(header).toContainText(account);

  const link = page.getByTestId("directory-link");
  await link.getByText("Unlink…").click();
  await expect(link).toContainText(`Unlink ${c.username} from v3 account ${account}?`);
  await link.getByRole("button", { name: "Yes, unlink them" }).click();
  await expect(header.locator(".badge", { hasText: "v2 only" })).toBeVisible();

  await link.getByText("Link to a v3 account…").click();
  await link.getByLabel("v3 account id").fill(account);
  await link.getByRole("button", { name: "Link", exact: true }).click();
  await expect(header.locator(".badge", { hasText: "linked by hand" })).toBeVisible();
  await expect(header).toContainText(account);
});

test("managers see no link controls on a customer's page", async ({ page }) => {
  const c = CUSTOMERS.linkPair;
  await signIn(page, "manager");
  await openCustomer(page, c.username, nameOf(c), true);
  await expect(page.getByTestId("directory-link")).toHaveCount(0);
});

test("the search and sort survive opening a customer, the way back and a reload", async ({ page }) => {
  await signIn(page, "support");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" }).click();
  await hydrated(page);
  await page.getByRole("searchbox", { name: "Search customers" }).fill("e2e");
  await expect(page).toHaveURL(/[?&]q=e2e/);
  await page.getByRole("link", { name: /^Company/ }).click();
  await expect(page).toHaveURL(/sort=company/);
  await page.locator("table.directory tbody tr").first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/customers\/[^/?]+$/);

  await page.locator(".breadcrumb").getByRole("link", { name: "Customers" }).click();
  await expect(page).toHaveURL(/\/customers\?.*q=e2e.*sort=company|\/customers\?.*sort=company.*q=e2e/);
  await expect(page.getByRole("searchbox", { name: "Search customers" })).toHaveValue("e2e");

  await page.locator("table.directory tbody tr").first().getByRole("link").first().click();
  await page.reload();
  await hydrated(page);
  const nav = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" });
  await expect(nav).toHaveAttribute("href", /q=e2e/);
  await nav.click();
  await expect(page).toHaveURL(/q=e2e/);
});

test("each customer is one line at 1366 px", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, "admin");
  await page.goto("/customers");
  const rows = page.locator("table.directory tbody tr");
  await expect(rows.first()).toBeVisible();
  const heights = await rows.evaluateAll((all) => all.map((row) => row.getBoundingClientRect().height));
  const lowest = Math.min(...heights);
  expect(Math.max(...heights)).toBeLessThanOrEqual(lowest + 1);
  const cell = await rows.first().locator("td").first().evaluate((td) => {
    const style = getComputedStyle(td);
    return { height: td.getBoundingClientRect().height, font: parseFloat(style.fontSize) };
  });
  // One line of text plus the cell's padding: well under two lines.
  expect(cell.height).toBeLessThan(cell.font * 3.2);
  const wide = await page.locator(".table-wrap").first().evaluate((el) => el.scrollWidth > el.clientWidth);
  expect(wide).toBe(false);
});

test("a refresh that ends while the admin types leaves the search box and what was typed", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" }).click();
  await hydrated(page);
  const search = page.getByRole("searchbox", { name: "Search customers" });
  // Every SendGrid call takes 200 ms: the refresh is still running while the admin types.
  await addFault({ path_prefix: "/", latency_ms: 200 });
  let box;
  try {
    await page.getByRole("button", { name: "Refresh from SendGrid" }).click();
    await expect(page.getByRole("region", { name: "Directory sync" })).toContainText(
      /Listing v2 customers and v3 accounts|Reading package and state/,
    );
    await search.click();
    await page.keyboard.type("ann");
    await expect(page).toHaveURL(/[?&]q=ann(&|$)/);
    box = await search.elementHandle();
  } finally {
    await clearFaults();
  }
  // The sync ends and the page reads the directory's filters again.
  const filtersRead = page.waitForResponse((r) => r.url().includes("/api/get_directory_facets"), { timeout: 60_000 });
  await expect(page.getByRole("button", { name: "Refresh from SendGrid" })).toBeVisible({ timeout: 60_000 });
  await filtersRead;
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  expect(await box!.evaluate((el) => el.isConnected && document.activeElement === el)).toBe(true);
  await page.keyboard.type("a");
  await expect(search).toHaveValue("anna");
  await expect(page).toHaveURL(/[?&]q=anna(&|$)/);
  await expect(page.getByRole("combobox", { name: "Package" }).getByRole("option", { name: "All packages" })).toHaveCount(1);
});
