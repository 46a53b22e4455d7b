import { test, expect, hydrated } from "./fixtures";
import { OPERATORS, PASSWORD, signIn } from "./operators";

test("a page asks for sign-in and comes back to it afterwards", async ({ page }) => {
  await page.goto("/operators");
  await expect(page).toHaveURL(/\/login\?next=\/operators$/);
  await page.getByLabel("Email").fill(OPERATORS.admin);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/operators$/);
  await expect(page.getByRole("heading", { name: "Operators" })).toBeVisible();
});

test("a wrong password says so next to the form and keeps the email", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(OPERATORS.manager);
  await page.getByLabel("Password", { exact: true }).fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("That email and password do not match an active operator.");
  await expect(page.getByLabel("Email")).toHaveValue(OPERATORS.manager);
  await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, "manager");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You are signed out.")).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("support sees no admin navigation and is refused the operators page", async ({ page }) => {
  await signIn(page, "support");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Customers" })).toBeVisible();
  for (const hidden of ["Audit", "Bulk", "Operators"]) {
    await expect(nav.getByRole("link", { name: hidden })).toHaveCount(0);
  }
  const response = await page.goto("/operators");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not available to your role" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add operator" })).toHaveCount(0);
});

test("an admin adds a manager, who must change the one-time password", async ({ page, browser }) => {
  await signIn(page, "admin", "/operators");
  await hydrated(page);
  const email = `new-manager-${Date.now()}@example.com`;
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Display name").fill("New Manager");
  await page.getByLabel("Role", { exact: true }).selectOption("manager");
  await page.getByRole("button", { name: "Add operator" }).click();
  const oneTime = (await page.getByTestId("one-time-password").textContent())!.trim();
  expect(oneTime).toHaveLength(20);
  await expect(page.getByRole("row", { name: new RegExp(email) })).toBeVisible();

  const context = await browser.newContext();
  const newcomer = await context.newPage();
  await newcomer.goto("/login");
  await newcomer.getByLabel("Email").fill(email);
  await newcomer.getByLabel("Password", { exact: true }).fill(oneTime);
  await newcomer.getByRole("button", { name: "Sign in" }).click();
  await expect(newcomer).toHaveURL(/\/account\/password$/);
  await expect(newcomer.getByText("You signed in with a generated password.")).toBeVisible();
  await hydrated(newcomer);
  await newcomer.getByLabel("Current password").fill(oneTime);
  await newcomer.getByLabel("New password", { exact: true }).fill("a brand new long password");
  await newcomer.getByLabel("Repeat the new password").fill("a brand new long password");
  await newcomer.getByRole("button", { name: "Change password" }).click();
  await expect(newcomer.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await context.close();
});

test("an admin gives an operator a new one-time password from the Operators screen", async ({ page, browser }) => {
  await signIn(page, "admin");
  await hydrated(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operators" }).click();
  await expect(page.getByRole("heading", { name: "Operators" })).toBeVisible();
  const email = `reset-${Date.now()}@example.com`;
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Add operator" }).click();
  const first = (await page.getByTestId("one-time-password").textContent())!.trim();

  const row = page.getByRole("row", { name: new RegExp(email) });
  await row.getByText("New password…").click();
  await row.getByRole("button", { name: `Give ${email} a new one-time password` }).click();
  const given = page.getByTestId("reset-password");
  await expect(given).toBeVisible();
  const second = (await given.textContent())!.trim();
  expect(second).toHaveLength(20);
  expect(second).not.toBe(first);
  await expect(page.getByRole("status").filter({ hasText: `${email} was signed out everywhere` })).toBeVisible();

  const context = await browser.newContext();
  const them = await context.newPage();
  await them.goto("/login");
  await them.getByLabel("Email").fill(email);
  await them.getByLabel("Password", { exact: true }).fill(first);
  await them.getByRole("button", { name: "Sign in" }).click();
  await expect(them.getByText("That email and password do not match an active operator.")).toBeVisible();
  await them.getByLabel("Password", { exact: true }).fill(second);
  await them.getByRole("button", { name: "Sign in" }).click();
  await expect(them).toHaveURL(/\/account\/password$/);
  await context.close();
});
