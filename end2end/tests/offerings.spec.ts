import { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { openCustomer } from "./directory";
import { customerState, Offering } from "./simulator";
import { CUSTOMERS } from "./world";

// The Offerings tab: the whole desired set is edited, the review shows the diff (kept, added,
// removed, quantity changed), a removal needs the account typed to confirm, and SendGrid ends
// up holding exactly the new set. A v2-only customer is told why there is nothing here.

type Who = { username: string; first_name: string; last_name: string };

async function openOfferings(page: Page, c: Who, js: boolean): Promise<void> {
  await signIn(page, "manager");
  await openCustomer(page, c.username, `${c.first_name} ${c.last_name}`, js);
  await page.getByRole("navigation", { name: "Customer sections" }).getByRole("link", { name: "Offerings" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${c.username}/offerings`));
  if (js) await hydrated(page);
}

const byName = (offerings: Offering[]) => [...offerings].sort((a, b) => a.name.localeCompare(b.name));

for (const js of [true, false]) {
  test.describe(js ? "offerings, with JavaScript" : "offerings, without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("change the offerings: review the diff, confirm the removal by name, SendGrid holds the new set", async ({ page }) => {
      const c = js ? CUSTOMERS.offerings : CUSTOMERS.offeringsNoJs;
      const before = await customerState(c.username);
      expect(byName(before.v3!.offerings)).toEqual(byName(c.v3.offerings));
      await openOfferings(page, c, js);

      const change = page.getByRole("region", { name: "Change the offerings" });
      // The form starts from what the account holds.
      await expect(change.getByRole("radio", { name: "org.ei.essentials40k.v1" })).toBeChecked();
      await expect(change.getByRole("checkbox", { name: "org.mc.basic.v1" })).toBeChecked();
      await expect(change.getByRole("checkbox", { name: "org.ip.dedicated.v1" })).toBeChecked();
      await expect(change.getByLabel("Quantity of org.ip.dedicated.v1")).toHaveValue("2");

      await change.getByRole("checkbox", { name: "org.mc.basic.v1" }).uncheck();
      await change.getByLabel("Quantity of org.ip.dedicated.v1").fill("3");
      await change.getByRole("checkbox", { name: "org.ease.v1" }).check();
      await change.getByRole("radio", { name: "Now" }).check();
      await change.getByRole("button", { name: "Review change" }).click();

      const diff = page.getByRole("table", { name: "Offerings before and after the change" });
      const row = (name: string) => diff.getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) });
      await expect(row("org.ei.essentials40k.v1")).toContainText("Kept");
      await expect(row("org.mc.basic.v1")).toContainText("Removed");
      await expect(row("org.mc.basic.v1")).toHaveClass(/diff-removed/);
      await expect(row("org.ip.dedicated.v1")).toContainText("Quantity changed");
      await expect(row("org.ip.dedicated.v1").getByRole("cell")).toHaveText(["Add-on", "Quantity changed", "2", "3"]);
      await expect(row("org.ease.v1")).toContainText("Added");
      await expect(diff.getByRole("row")).toHaveCount(5);

      if (js) await hydrated(page);
      const confirm = page.getByLabel("Type the username or account ID to confirm");
      await confirm.fill("someone-else");
      await page.getByRole("button", { name: "Confirm change" }).click();
      await expect(page.getByRole("alert").filter({ hasText: `Something is removed: type ${c.username} or ${before.v3!.id} to confirm.` })).toBeVisible();
      expect(byName((await customerState(c.username)).v3!.offerings), "a refused change sends nothing").toEqual(byName(c.v3.offerings));

      await page.getByLabel("Type the username or account ID to confirm").fill(c.username);
      await page.getByRole("button", { name: "Confirm change" }).click();
      const outcome = page.getByTestId("offerings-outcome");
      await expect(outcome).toHaveAttribute("role", "status");
      await expect(outcome).toContainText("Recorded in the audit log");

      const after = await customerState(c.username);
      expect(byName(after.v3!.offerings)).toEqual(
        byName([
          { name: "org.ei.essentials40k.v1", type: "package", quantity: 1 },
          { name: "org.ip.dedicated.v1", type: "addon", quantity: 3 },
          { name: "org.ease.v1", type: "addon", quantity: 1 },
        ]),
      );
      const held = page.getByRole("region", { name: "On this account" });
      await expect(held).toContainText("org.ip.dedicated.v1 ×3");
      await expect(held).toContainText("org.ease.v1");
      await expect(held).not.toContainText("org.mc.basic.v1");
    });
  });
}

test("a v2-only customer's offerings tab explains why there is nothing to change", async ({ page }) => {
  const c = CUSTOMERS.v2Only;
  expect((await customerState(c.username)).v3).toBeNull();
  await openOfferings(page, c, true);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${c.first_name} ${c.last_name}`);
  await expect(page.getByText("v2 only").first()).toBeVisible();
  await expect(page.getByRole("region", { name: "Offerings" })).toContainText(
    "This customer has no v3 account in the directory (v2 only)",
  );
  await expect(page.getByRole("button", { name: "Review change" })).toHaveCount(0);
});
