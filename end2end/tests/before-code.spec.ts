import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { holdCode, watch } from "./trouble";
import { CUSTOMERS } from "./world";

// Each form whose fields follow a select, used while its code is still downloading: the
// choice made on the server-rendered page must be the one the fields follow once the code
// has arrived.

test("limits: a task chosen before the code arrives shows its fields after", async ({ page }) => {
  const c = CUSTOMERS.beforeCodeLimits;
  const trouble = watch(page);
  await signIn(page, "manager");
  const code = await holdCode(page);
  await page.goto(`/customers/${c.username}/limits`, { waitUntil: "commit" });
  const task = page.getByLabel("Task");
  await task.selectOption("recurring");
  await expect(page.locator("body[data-hydrated='true']"), "the code has not arrived yet").toHaveCount(0);
  code.release();
  await hydrated(page);

  await expect(task).toHaveValue("recurring");
  for (const field of ["Period", "Start date", "End date", "Initial credits"]) {
    await expect(page.getByLabel(field, { exact: true })).toBeVisible();
  }
  // The hydrated form still follows later choices.
  await task.selectOption("total");
  await expect(page.getByLabel("Period", { exact: true })).toBeHidden();
  await task.selectOption("recurring");
  await page.getByLabel("Credits", { exact: true }).fill("700");
  await page.getByLabel("Period", { exact: true }).selectOption("monthly");
  await page.getByRole("button", { name: "Review change" }).click();
  await expect(page.getByTestId("limit-review-statement")).toContainText("700");
  await trouble.settled("the limits review");
});

test("plan: an action and package chosen before the code arrives stay chosen after", async ({ page }) => {
  const c = CUSTOMERS.beforeCodePlan;
  const trouble = watch(page);
  await signIn(page, "manager");
  const code = await holdCode(page);
  await page.goto(`/customers/${c.username}/plan`, { waitUntil: "commit" });
  await page.getByLabel("Action").selectOption("downgrade");
  await page.getByLabel("Target package").selectOption("Basic Package");
  await expect(page.locator("body[data-hydrated='true']"), "the code has not arrived yet").toHaveCount(0);
  code.release();
  await hydrated(page);

  await expect(page.getByLabel("Action")).toHaveValue("downgrade");
  await expect(page.getByLabel("Target package")).toHaveValue("Basic Package");
  // The list now follows the action: a dearer package is offered as a downgrade only marked
  // "not cheaper" (the review then says SendGrid may refuse it).
  await expect(page.getByLabel("Target package").locator("option", { hasText: "Gold Package" })).toHaveText(/not cheaper/);
  // Basic has no dedicated IP: the customer joins an IP group.
  await expect(page.getByLabel("IP group")).toBeVisible();
  await expect(page.locator("fieldset.ip-choices")).toBeHidden();
  await trouble.settled("the plan form");
});

test("bulk: an operation chosen before the code arrives shows its fields after", async ({ page }) => {
  const trouble = watch(page);
  await signIn(page, "manager");
  const code = await holdCode(page);
  await page.goto("/bulk", { waitUntil: "commit" });
  await page.getByLabel("Operation").selectOption("limit_total");
  await expect(page.locator("body[data-hydrated='true']"), "the code has not arrived yet").toHaveCount(0);
  code.release();
  await hydrated(page);

  await expect(page.getByLabel("Operation")).toHaveValue("limit_total");
  await expect(page.getByLabel("Credits")).toBeVisible();
  await expect(page.getByLabel("Offering name")).toBeHidden();
  await expect(page.getByLabel("New account state")).toBeHidden();
  await trouble.settled("the bulk form");
});
