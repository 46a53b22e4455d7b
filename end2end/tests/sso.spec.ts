import { test, expect } from "./fixtures";
import { signIn } from "./operators";
import { openCustomer } from "./directory";
import { CUSTOMERS } from "./world";

// "Open in SendGrid" (API.md §5.10): the console's tab stays; a new tab goes to SendGrid's
// one-time sign-in URL. SendGrid's site is not reachable from the test machine (and a
// redirect's target cannot be answered by a route), so what is checked is the tab's request
// to it, redirected from the console's answer.

const c = CUSTOMERS.sso;
const name = `${c.first_name} ${c.last_name}`;

for (const js of [true, false]) {
  test.describe(js ? "open in SendGrid, with JavaScript" : "open in SendGrid, without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("a manager opens the customer in SendGrid in a new tab", async ({ page, context }) => {
      await signIn(page, "manager");
      await openCustomer(page, c.username, name, js);
      const toSendGrid = context.waitForEvent("request", (r) => r.url().startsWith("https://app.sendgrid.com/"));
      const [tab] = await Promise.all([
        page.waitForEvent("popup"),
        page.getByRole("button", { name: "Open in SendGrid" }).click(),
      ]);
      // The new tab was sent on to SendGrid's one-time URL by the console's answer to the post.
      const request = await toSendGrid;
      expect(request.url()).toMatch(/^https:\/\/app\.sendgrid\.com\/sso\/partner\?code=[0-9a-f]+$/);
      expect(request.redirectedFrom()?.url()).toMatch(/\/api\/open_in_sendgrid$/);
      expect(request.frame().page()).toBe(tab);
      await tab.close();
      await expect(page).toHaveURL(new RegExp(`/customers/${c.username}$`));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);

      // The sign-in is in the customer's history.
      await page.getByRole("navigation", { name: "Customer sections" }).getByRole("link", { name: "History" }).click();
      await expect(page.getByRole("listitem").filter({ hasText: "account.sso" }).first()).toContainText(
        "e2e-manager@example.com",
      );
    });
  });
}

test("support reads the customer and has no way into SendGrid", async ({ page }) => {
  await signIn(page, "support");
  await openCustomer(page, c.username, name, true);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page.getByRole("button", { name: "Open in SendGrid" })).toHaveCount(0);
});

test("a v2-only customer offers no sign-in", async ({ page }) => {
  const v2 = CUSTOMERS.v2Only;
  await signIn(page, "manager");
  await openCustomer(page, v2.username, `${v2.first_name} ${v2.last_name}`, true);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${v2.first_name} ${v2.last_name}`);
  await expect(page.getByRole("button", { name: "Open in SendGrid" })).toHaveCount(0);
});
