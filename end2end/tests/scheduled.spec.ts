import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { openCustomer } from "./directory";
import { downgradeToBasic } from "./plan";
import { addFault, customerState } from "./simulator";
import { CUSTOMERS } from "./world";

// `/scheduled`: a downgrade scheduled on a customer's Plan tab is listed with every other
// waiting change, reached from the main navigation, and cancelled from there (SendGrid then
// holds nothing for the customer).

for (const js of [true, false]) {
  test.describe(js ? "scheduled changes, with JavaScript" : "scheduled changes, without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("a scheduled downgrade is listed across customers and cancelled from the list", async ({ page }) => {
      const c = js ? CUSTOMERS.scheduledJs : CUSTOMERS.scheduledNoJs;
      await signIn(page, "manager");
      await openCustomer(page, c.username, `${c.first_name} ${c.last_name}`, js);
      await downgradeToBasic(page, c.username, "end_of_cycle", js);
      await expect(page.getByTestId("plan-outcome")).toContainText("Recorded in the audit log");
      expect((await customerState(c.username)).v2?.scheduled_change?.package).toBe("Basic Package");

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Scheduled" }).click();
      await expect(page).toHaveURL(/\/scheduled$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Scheduled changes");
      if (js) await hydrated(page);
      const row = page.getByTestId("waiting-change").filter({ hasText: c.username });
      await expect(row).toContainText("Downgrade");
      await expect(row).toContainText("Basic Package");
      await expect(row).toContainText("SendGrid");

      // The filter narrows the list; a kind with nothing of this customer hides the row.
      await page.getByLabel("Kind").selectOption("offerings");
      await page.getByRole("button", { name: "Filter" }).click();
      await expect(page).toHaveURL(/kind=offerings/);
      await expect(page.getByTestId("waiting-change").filter({ hasText: c.username })).toHaveCount(0);
      await page.getByRole("link", { name: "Clear" }).click();
      await expect(page).toHaveURL(/\/scheduled$/);
      if (js) await hydrated(page);

      // Cancelling asks first: a SendGrid-scheduled change may not be made again (API.md §2.6).
      const waiting = page.getByTestId("waiting-change").filter({ hasText: c.username });
      await waiting.getByText("Cancel…").click();
      await expect(waiting.getByRole("button", { name: "Yes, cancel it" })).toBeVisible();
      await expect(waiting).toContainText("Cancel the downgrade of");
      await waiting.getByRole("button", { name: "Yes, cancel it" }).click();
      // With JavaScript the answer is shown in place; without, the page comes back without the row.
      if (js) await expect(page.getByRole("status").filter({ hasText: "Cancelled" })).toBeVisible();
      await expect(page.getByTestId("waiting-change").filter({ hasText: c.username })).toHaveCount(0);
      expect((await customerState(c.username)).v2?.scheduled_change).toBeNull();
    });
  });
}

test("support reads the scheduled changes without cancel buttons", async ({ page }) => {
  await signIn(page, "support");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Scheduled" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Scheduled changes");
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
});

test("when SendGrid answers that scheduled tasks do not exist, the console holds the change and it can be cancelled", async ({ page }) => {
  const c = CUSTOMERS.held;
  await addFault({
    path_prefix: "/apiv2/reseller.account",
    task: "scheduled_downgrade",
    status: 400,
    body: '{"message":"error","errors":["Invalid task"]}',
    content_type: "application/json",
    times: 1,
  });
  await signIn(page, "manager");
  await openCustomer(page, c.username, `${c.first_name} ${c.last_name}`, true);
  await page.getByLabel("Action").selectOption("downgrade");
  await page.getByLabel("Timing").selectOption("end_of_cycle");
  await page.getByLabel("Target package").selectOption("Basic Package");
  await page.getByLabel("IP group").fill("Transactional");
  await page.getByRole("button", { name: "Review change" }).click();
  // SendGrid's pending API answers, so SendGrid is expected to hold it; the review says so.
  await expect(page.getByTestId("review-maker")).toContainText("SendGrid holds this change");
  await hydrated(page);
  await page.getByLabel("Type the username to confirm").fill(c.username);
  await page.getByRole("button", { name: "Confirm change" }).click();
  const outcome = page.getByTestId("plan-outcome");
  await expect(outcome).toContainText("SendGrid answered that scheduled changes do not exist");
  await expect(outcome).toContainText("made by the console");
  await expect(outcome).toContainText("Held by the console as scheduled change #");
  expect((await customerState(c.username)).v2?.scheduled_change).toBeNull();

  // The Plan tab lists it with its cancel; cancelling it is recorded and leaves nothing held.
  await page.getByRole("link", { name: "Make another change" }).click();
  const held = page.getByRole("region", { name: "Scheduled changes" });
  await expect(held).toContainText(`Downgrade ${c.username} to Basic Package`);
  await held.getByText("Cancel scheduled change…").click();
  await held.getByRole("button", { name: "Yes, cancel it" }).click();
  await expect(held.getByRole("status")).toContainText("Cancelled");
  await expect(held).toContainText("Cancelled");
});
