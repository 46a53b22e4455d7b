import { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { openCustomer } from "./directory";
import { customerState, Offering } from "./simulator";
import { CUSTOMERS } from "./world";

// Honest revert by clicking: a manager removes an add-on, finds the change in the customer's
// history, "Revert…" says what the inverse does and what it cannot undo, "Review the revert"
// opens the Offerings tab's normal review prefilled, and confirming puts the add-on back; the
// history then links the two changes both ways. With JavaScript and without.

type Who = { username: string; first_name: string; last_name: string };

const byName = (offerings: Offering[]) => [...offerings].sort((a, b) => a.name.localeCompare(b.name));

async function section(page: Page, name: string, c: Who, js: boolean): Promise<void> {
  await page.getByRole("navigation", { name: "Customer sections" }).getByRole("link", { name }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}/${name.toLowerCase()}`));
  if (js) await hydrated(page);
}

for (const js of [true, false]) {
  test.describe(js ? "revert, with JavaScript" : "revert, without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("an add-on removal is reverted through the normal review, and both changes link", async ({ page }) => {
      const c = js ? CUSTOMERS.revertJs : CUSTOMERS.revertNoJs;
      const addOn = "org.ip.dedicated.v1";
      await signIn(page, "manager");
      await openCustomer(page, c.username, `${c.first_name} ${c.last_name}`, js);
      await section(page, "Offerings", c, js);

      const change = page.getByRole("region", { name: "Change the offerings" });
      await change.getByRole("checkbox", { name: addOn }).uncheck();
      await change.getByRole("button", { name: "Review change" }).click();
      if (js) await hydrated(page);
      await page.getByLabel("Type the username or account ID to confirm").fill(c.username);
      await page.getByRole("button", { name: "Confirm change" }).click();
      await expect(page.getByTestId("offerings-outcome")).toContainText("Recorded in the audit log");
      expect((await customerState(c.username)).v3!.offerings.some((o) => o.name === addOn)).toBe(false);

      await section(page, "History", c, js);
      const revert = page.getByRole("link", { name: /^Revert change \d+…$/ }).first();
      const id = ((await revert.getAttribute("href")) ?? "").replace(/\D/g, "");
      await revert.click();
      await expect(page).toHaveURL(new RegExp(`/audit/${id}/revert$`));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Revert change ${id}`);
      await expect(page.getByTestId("revert-statement")).toHaveText(
        `Change the offerings of ${c.username}: add ${addOn} ×2 back.`,
      );
      await expect(page.getByTestId("revert-cannot-undo")).toContainText("API.md §5.7");
      expect((await customerState(c.username)).v3!.offerings.some((o) => o.name === addOn), "nothing sent yet").toBe(false);

      await page.getByRole("link", { name: "Review the revert" }).click();
      await expect(page).toHaveURL(new RegExp(`/customers/${c.username}/offerings\\?review=1.*reverts=${id}`));
      await expect(page.getByTestId("revert-notice")).toContainText(`This change reverts change ${id}`);
      const diff = page.getByRole("table", { name: "Offerings before and after the change" });
      await expect(diff.getByRole("row").filter({ hasText: addOn })).toContainText("Added");
      if (js) await hydrated(page);
      await page.getByRole("button", { name: "Confirm change" }).click();
      await expect(page.getByTestId("offerings-outcome")).toContainText("Recorded in the audit log");
      expect(byName((await customerState(c.username)).v3!.offerings), "back as it was").toEqual(byName(c.v3.offerings));

      // Both ways, in the history and on the audit events.
      await section(page, "History", c, js);
      const links = page.getByTestId("revert-links");
      await expect(links.filter({ hasText: `Reverts change ${id}` })).toHaveCount(1);
      await expect(links.filter({ hasText: "Reverted by change" })).toHaveCount(1);
      await links.getByRole("link", { name: `Reverts change ${id}` }).click();
      await expect(page).toHaveURL(new RegExp(`/audit/${id}$`));
      await expect(page.getByTestId("revert-links")).toContainText("Reverted by change");
      await page.goBack();
      await expect(page).toHaveURL(new RegExp(`/customers/${c.username}/history`));

      // Support reads the links and has nothing to revert with.
      await signIn(page, "support");
      await openCustomer(page, c.username, `${c.first_name} ${c.last_name}`, js);
      await section(page, "History", c, js);
      await expect(page.getByTestId("revert-links").filter({ hasText: `Reverts change ${id}` })).toHaveCount(1);
      await expect(page.getByRole("link", { name: /^Revert change/ })).toHaveCount(0);
    });
  });
}
