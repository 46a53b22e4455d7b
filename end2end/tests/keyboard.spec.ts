import { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { CUSTOMERS } from "./world";

// The keyboard alone: Ctrl-K's "Go to" reaches a screen, a customer (by username, email or
// account id as you type) and a tab of the customer in view; `/` focuses the page's search;
// `?` lists the shortcuts; Escape closes dialogs and the open "…" panel.

const c = CUSTOMERS.supportView;

/// The shortcuts listen once the header's Go to has its code: its opener shows then.
async function keysReady(page: Page): Promise<void> {
  await hydrated(page);
  await expect(page.getByRole("button", { name: /Go to…/ })).toBeVisible();
}

test("Go to reaches a screen, a customer and a tab of the customer in view, by keyboard only", async ({ page }) => {
  await signIn(page, "admin");
  await keysReady(page);
  const dialog = page.getByRole("dialog", { name: "Go to" });
  const box = dialog.getByRole("combobox", { name: "Go to a screen or a customer" });

  await page.keyboard.press("Control+k");
  await expect(dialog).toBeVisible();
  await expect(box).toBeFocused();
  await page.keyboard.type("audit");
  await expect(dialog.getByRole("option", { name: /Audit log/ })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();

  // A customer, by part of the username; arrows choose, Enter opens.
  await page.keyboard.press("Control+k");
  await page.keyboard.type(c.username);
  const option = dialog.getByRole("option", { name: new RegExp(`\\(${c.username}\\)`) });
  await expect(option).toBeVisible();
  const options = dialog.getByRole("option");
  const index = await option.evaluate((el) => Array.from(el.parentElement!.children).indexOf(el));
  for (let i = 0; i < index; i++) await page.keyboard.press("ArrowDown");
  await expect(option).toHaveAttribute("aria-selected", "true");
  expect(await options.count()).toBeGreaterThan(0);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}$`));

  // On the customer's page, its tabs are offered.
  await page.keyboard.press("Control+k");
  await page.keyboard.type("limits of");
  await expect(dialog.getByRole("option", { name: `Limits of ${c.username}` })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}/limits$`));

  // Escape closes it without going anywhere.
  await page.keyboard.press("Control+k");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}/limits$`));
});

test("/ focuses the search, ? lists the shortcuts, Escape closes them and the open panel", async ({ page }) => {
  await signIn(page, "manager");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" }).click();
  await keysReady(page);
  // The screen itself, not only the header: its search is what `/` looks for.
  await expect(page.getByRole("heading", { name: "Customers", level: 1 })).toBeVisible();
  await expect(page.getByLabel("Search customers")).toBeVisible();
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("/");
  await expect(page.getByLabel("Search customers")).toBeFocused();
  // Typed into the box, `?` is text.
  await page.keyboard.type("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeHidden();
  await page.getByLabel("Search customers").fill("");
  await page.locator("body").click({ position: { x: 5, y: 300 } });

  await page.keyboard.press("?");
  const shortcuts = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(shortcuts).toBeVisible();
  await expect(shortcuts).toContainText("Go to a screen, a customer, or a tab of the customer in view");
  await page.keyboard.press("Escape");
  await expect(shortcuts).toBeHidden();
  // Straight from Go to, without waiting for it to finish closing.
  await page.keyboard.press("Control+k");
  await expect(page.getByRole("dialog", { name: "Go to" })).toBeVisible();
  await page.keyboard.press("Escape");
  await page.keyboard.press("?");
  await expect(shortcuts).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(shortcuts).toBeHidden();

  // A "…" panel opened from the keyboard closes with Escape, the focus back on its summary.
  const opener = page.getByText("Save this view…");
  await opener.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Save view" })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).focus();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Save view" })).toBeHidden();
  await expect(opener).toBeFocused();
});

test("the Go to opener is there only once the page's code runs, and a click opens it", async ({ page }) => {
  await signIn(page, "support");
  await hydrated(page);
  await page.getByRole("button", { name: /Go to…/ }).click();
  const dialog = page.getByRole("dialog", { name: "Go to" });
  await expect(dialog).toBeVisible();
  // Support reads customers, not the audit log: no Audit log screen offered.
  await page.keyboard.type("audit");
  await expect(dialog.getByRole("option")).toHaveCount(0);
  await expect(dialog.getByRole("status")).toContainText("Nothing matches");
});
