import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";

test("the login page is rendered on the server, before any JavaScript runs", async ({ request }) => {
  const response = await request.get("/login");
  expect(response.status()).toBe(200);
  const html = await response.text();
  expect(html).toContain("Reseller Console");
  expect(html).toContain("Sign in");
  expect(html).toMatch(/Version \d+\.\d+\.\d+/);
});

test("the shell shows navigation, the operator and the footer without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, "admin");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const section of ["Customers", "Audit", "Bulk", "Operators"]) {
    await expect(nav.getByRole("link", { name: section })).toBeVisible();
  }
  await expect(page.getByTestId("operator-slot")).toContainText("e2e-admin");
  await expect(page.getByRole("contentinfo")).toContainText("Version");
  await context.close();
});

test("the theme toggle flips without a reload and survives one", async ({ page }) => {
  await signIn(page, "support");
  await hydrated(page);
  const html = page.locator("html");
  await expect(html).not.toHaveAttribute("data-theme", /.+/);

  // A marker on window disappears if the browser navigates.
  await page.evaluate(() => ((window as any).__noReload = true));
  await page.getByRole("button", { name: /System theme/ }).click();
  await expect(html).toHaveAttribute("data-theme", "light");
  await page.getByRole("button", { name: /Light theme/ }).click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);

  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  const served = await page.request.get("/");
  expect(await served.text()).toContain('data-theme="dark"');

  await hydrated(page);
  await page.getByRole("button", { name: /Dark theme/ }).click();
  await expect(html).not.toHaveAttribute("data-theme", /.+/);
});

test("the theme toggle works without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByRole("button", { name: /System theme/ }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await context.close();
});

// Uses its own page: Chromium logs the expected 404 of the document as a console error.
test("an unknown address shows the designed 404 page with a 404 status", async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, "auditor");
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.close();
});

test("a screen's code loads on first visit, with a progress bar while it comes", async ({ page }) => {
  await signIn(page, "admin");
  await hydrated(page);
  // Hold the Operators screen's chunk until the bar has been seen.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let requested = false;
  await page.route(/split___operators_route_view_.*\.wasm$/, async (route) => {
    requested = true;
    await held;
    await route.continue();
  });
  const bar = page.locator(".route-progress");
  await expect(bar).not.toHaveClass(/is-active/);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operators" }).click();
  await expect(bar).toHaveClass(/is-active/);
  // The bar starts with the navigation; the chunk's request may follow it by a moment.
  await expect.poll(() => requested).toBe(true);
  release();
  await expect(page.getByRole("heading", { name: "Operators" })).toBeVisible();
  await expect(bar).not.toHaveClass(/is-active/);
  await expect(page).toHaveURL(/\/operators$/);
});
