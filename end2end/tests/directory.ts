import { expect, Page } from "@playwright/test";
import { hydrated } from "./fixtures";

/// Finds a customer from `/customers` and opens its page, as an operator would: with
/// JavaScript the results follow the typing; without it the search form is submitted.
export async function openCustomer(page: Page, username: string, name: string, js: boolean): Promise<void> {
  await page.goto("/customers");
  if (js) await hydrated(page);
  const search = page.getByRole("searchbox", { name: "Search customers" });
  await search.fill(username);
  if (js) {
    await expect(page).toHaveURL(new RegExp(`[?&]q=${username}`));
  } else {
    await search.press("Enter");
  }
  const row = page.getByRole("row").filter({ has: page.getByRole("cell", { name: username, exact: true }) });
  await expect(row).toHaveCount(1);
  await row.getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${username}$`));
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  if (js) await hydrated(page);
}
