import { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { openCustomer } from "./directory";
import { customerState } from "./simulator";
import { CUSTOMERS } from "./world";

// The Limits tab: set a total, refused next to the field while the value is wrong, then
// sent; the limit shown in words is read again and matches what SendGrid holds.

async function openLimits(page: Page, c: { username: string; first_name: string; last_name: string }, js: boolean) {
  await signIn(page, "manager");
  await openCustomer(page, c.username, `${c.first_name} ${c.last_name}`, js);
  await page.getByRole("navigation", { name: "Customer sections" }).getByRole("link", { name: "Limits" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}/limits`));
  if (js) await hydrated(page);
}

async function reviewTotal(page: Page, credits: string): Promise<void> {
  await page.getByLabel("Task").selectOption("total");
  await page.getByLabel("Credits", { exact: true }).fill(credits);
  await page.getByRole("button", { name: "Review change" }).click();
}

for (const js of [true, false]) {
  test.describe(js ? "limits, with JavaScript" : "limits, without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("set a total: a wrong amount is refused at the field, a right one is sent and shown in words", async ({ page }) => {
      const c = js ? CUSTOMERS.limits : CUSTOMERS.limitsNoJs;
      expect((await customerState(c.username)).v2?.limit).toBeNull();
      await openLimits(page, c, js);
      const words = page.getByTestId("limit-words");
      await expect(words).toHaveText("No limit");

      const credits = page.getByLabel("Credits", { exact: true });
      await reviewTotal(page, "0");
      await expect(credits).toHaveAttribute("aria-invalid", "true");
      await expect(credits).toHaveAccessibleDescription(/Enter a number greater than 0\./);
      await expect(page.getByRole("button", { name: "Confirm change" })).toHaveCount(0);

      await reviewTotal(page, "-5");
      await expect(credits).toHaveAccessibleDescription(/Enter a whole number of credits, digits only\./);
      expect((await customerState(c.username)).v2?.limit, "nothing was sent while the form was wrong").toBeNull();

      await reviewTotal(page, "5000");
      await expect(page.getByTestId("limit-review-statement")).toHaveText(`Set ${c.username}'s credits to exactly 5,000.`);
      if (js) await hydrated(page);
      await page.getByRole("button", { name: "Confirm change" }).click();

      const outcome = page.getByTestId("limit-outcome");
      await expect(outcome).toContainText(`Set ${c.username}'s credits to 5,000.`);
      await expect(outcome).toContainText("Recorded in the audit log");
      const after = await customerState(c.username);
      expect(after.v2?.limit?.credit).toBe(5000);
      expect(after.v2?.limit?.credit_remain).toBe(5000);
      await expect(words).toHaveText(`5,000 credits left; allowance 5,000; last reset ${after.v2?.limit?.last_reset}`);
    });
  });
}
