import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";

// The home page says what needs each role, each item linking to its filtered screen.

test("a manager's home page lists what needs them and each item leads to its screen", async ({ page }) => {
  await signIn(page, "manager");
  await page.getByRole("link", { name: "Reseller Console" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dashboard");
  const unknown = page.getByTestId("need-unknown");
  await expect(unknown).toContainText(/None: every change sent to SendGrid has a recorded result|sent to SendGrid without a recorded answer/);
  await expect(page.getByTestId("need-bulk")).toContainText("Bulk changes");
  const due = page.getByTestId("need-due");
  await expect(due).toContainText(/Nothing falls due in the next 7 days|All \d+ due by/);
  // SendGrid's list may be a few seconds old: the box says when it was read.
  await expect(due.getByTestId("due-read-at")).toContainText("SendGrid's list as read at");
  const directory = page.getByTestId("need-directory");
  await expect(directory).toContainText("SendGrid answers.");
  await expect(directory).toContainText(/customers, last refreshed|Refreshing from SendGrid now/);
  await expect(page.getByText("Changes per day by outcome, last 30 days (UTC)")).toBeVisible();
  await hydrated(page);

  await directory.getByRole("link", { name: "Customers" }).click();
  await expect(page).toHaveURL(/\/customers$/);
  await page.goBack();
  await expect(page.getByTestId("need-due")).toBeVisible();
  const all = page.getByTestId("need-due").getByRole("link", { name: /^All \d+ due by/ });
  if (await all.count()) {
    await all.click();
    await expect(page).toHaveURL(/\/scheduled\?due_by=\d{4}-\d{2}-\d{2}$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Scheduled changes");
  }
});

test("support's home page has no bulk changes and no audit chart", async ({ page }) => {
  await signIn(page, "support");
  await expect(page.getByTestId("need-unknown")).toBeVisible();
  await expect(page.getByTestId("need-directory")).toBeVisible();
  await expect(page.getByTestId("need-bulk")).toHaveCount(0);
  await expect(page.getByText(/per day by outcome/)).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the home page is complete as served", async ({ page }) => {
    await signIn(page, "auditor");
    await expect(page.getByTestId("need-unknown")).toBeVisible();
    await expect(page.getByTestId("need-due")).toContainText("Due this week");
    await expect(page.getByTestId("need-due")).not.toContainText("Asking SendGrid");
    await expect(page.getByText("Changes per day by outcome, last 30 days (UTC)")).toBeVisible();
  });
});
