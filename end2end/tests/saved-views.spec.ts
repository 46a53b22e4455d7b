import { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";

// Saved views by clicking, hydrated and without JavaScript: filter a screen, save it under a
// name pinned to the dashboard; the link opens the same filter; the dashboard counts what the
// screen lists; a filter the screen refuses is refused beside the form; removing asks first.
// Each test removes what it saved: views are the operator's own and other specs share them.

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
}

async function saveView(page: Page, name: string, pin: boolean, js: boolean): Promise<void> {
  await page.getByText("Save this view…").click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  if (pin) await page.getByLabel("Pin to the dashboard, with its count").check();
  const save = page.getByRole("button", { name: "Save view" });
  if (js) {
    await save.click();
    await expect(page.getByRole("status").filter({ hasText: `Saved as “${name}”.` })).toBeVisible();
  } else {
    // A plain POST, answered with a redirect back to the page it came from.
    await Promise.all([page.waitForEvent("load"), save.click()]);
  }
}

async function removeView(page: Page, name: string, js: boolean): Promise<void> {
  await page.getByText(/^Manage views \(\d+\)$/).click();
  await page.getByText("Remove…").first().click();
  await expect(page.getByText(`Remove the saved view “${name}”?`)).toBeVisible();
  const remove = page.getByRole("button", { name: `Remove “${name}”` });
  if (js) await remove.click();
  else await Promise.all([page.waitForEvent("load"), remove.click()]);
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
}

function flows(js: boolean) {
  const name = js ? "Gold customers (scripted)" : "Gold customers (plain)";

  test("a filtered directory saved and pinned opens again from its link and is counted on the dashboard", async ({ page }) => {
    await signIn(page, "manager");
    await nav(page, "Customers");
    if (js) {
      await hydrated(page);
      await page.getByLabel("Package").selectOption("Gold Package");
    } else {
      await page.getByLabel("Package").selectOption("Gold Package");
      await page.getByRole("button", { name: "Search" }).click();
    }
    await expect(page).toHaveURL(/package=Gold(\+|%20)Package/);
    const listed = (await page.locator(".result-count").textContent()) ?? "";
    const total = listed.match(/of ([\d,]+) customer/)?.[1];
    expect(total, listed).toBeTruthy();

    await saveView(page, name, true, js);
    const views = page.getByRole("region", { name: "Your saved views of Customers" });
    const link = views.getByRole("link", { name, exact: true });
    await expect(link).toHaveAttribute("aria-current", "page");
    try {
      // From the whole list, the link brings the filter back.
      await page.getByLabel("Package").selectOption("");
      if (!js) await page.getByRole("button", { name: "Search" }).click();
      await expect(page).not.toHaveURL(/package=[^&]/);
      await expect(link).not.toHaveAttribute("aria-current", "page");
      await link.click();
      await expect(page).toHaveURL(/\/customers\?package=Gold%20Package$/);
      await expect(page.getByLabel("Package")).toHaveValue("Gold Package");

      // The dashboard counts it; its card opens the same list.
      await page.getByRole("link", { name: "Reseller Console" }).click();
      const card = page.getByTestId("pinned-view").filter({ hasText: name });
      await expect(card).toContainText(new RegExp(`^.*${total} customers?, on Customers`));
      await card.click();
      await expect(page).toHaveURL(/\/customers\?package=Gold%20Package$/);
      await expect(page.locator(".result-count")).toContainText(`of ${total} customer`);
      await page.goBack();
      await expect(page.getByTestId("pinned-view").filter({ hasText: name })).toBeVisible();
      await page.goForward();
      await expect(page).toHaveURL(/\/customers\?package=Gold%20Package$/);
      if (js) await hydrated(page);
    } finally {
      await removeView(page, name, js);
    }
    await page.getByRole("link", { name: "Reseller Console" }).click();
    await expect(page.getByTestId("pinned-view").filter({ hasText: name })).toHaveCount(0);
  });

  test("a filter the audit log refuses is refused beside the save form, and nothing is saved", async ({ page }) => {
    await signIn(page, "auditor");
    await page.goto("/audit?from=2026-11-02&to=2026-11-01");
    if (js) await hydrated(page);
    await page.getByText("Save this view…").click();
    await page.getByLabel("Name", { exact: true }).fill("Backwards");
    const save = page.getByRole("button", { name: "Save view" });
    if (js) {
      await save.click();
      await expect(page.locator("#save-view-error-audit")).toHaveText("The From date must be on or before the To date.");
      // The name was fine: it stays as typed, the filter is what is refused.
      await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Backwards");
    } else {
      await Promise.all([page.waitForEvent("load"), save.click()]);
    }
    await page.reload();
    const views = page.getByRole("region", { name: "Your saved views of Audit log" });
    await expect(views.getByRole("link", { name: "Backwards" })).toHaveCount(0);
  });
}

test.describe("with JavaScript", () => {
  flows(true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  flows(false);
});
