import { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { openCustomer } from "./directory";
import { advanceClock, customerState } from "./simulator";
import { CUSTOMERS } from "./world";

// The Plan tab end to end: the directory search, the change form and its review step, the
// typed confirmation, the simulator's state after each change and the audit trail. Every
// flow runs twice, hydrated and with JavaScript off (plain GET forms and POST + redirect).

type Who = { username: string; first_name: string; last_name: string };
const nameOf = (c: Who) => `${c.first_name} ${c.last_name}`;

/// The History tab lists `action` for this customer with the given outcome.
async function expectInHistory(page: Page, username: string, action: string, outcome: string): Promise<void> {
  await page.getByRole("navigation", { name: "Customer sections" }).getByRole("link", { name: "History" }).click();
  await expect(page).toHaveURL(new RegExp(`/customers/${username}/history$`));
  const entry = page.getByRole("listitem").filter({ hasText: action }).first();
  await expect(entry).toBeVisible();
  await expect(entry).toContainText(outcome);
  await expect(entry).toContainText("e2e-manager@example.com");
}

function flows(js: boolean) {
  const c = js
    ? { upgrade: CUSTOMERS.upgradeJs, downgrade: CUSTOMERS.downgradeJs, close: CUSTOMERS.closeJs }
    : { upgrade: CUSTOMERS.upgradeNoJs, downgrade: CUSTOMERS.downgradeNoJs, close: CUSTOMERS.closeNoJs };

  test("search a customer, upgrade it now, see SendGrid's state and the audit event", async ({ page }) => {
    const user = c.upgrade.username;
    expect((await customerState(user)).v2?.package).toBe("Basic Package");
    await signIn(page, "manager");
    await openCustomer(page, user, nameOf(c.upgrade), js);

    await page.getByLabel("Action").selectOption("upgrade");
    await page.getByLabel("Timing").selectOption("now");
    await page.getByLabel("Target package").selectOption("Silver Package");
    // `ip[]` is a list: two free IPs ticked.
    const ipBoxes = page.getByRole("group", { name: "IP addresses" }).getByRole("checkbox");
    await ipBoxes.nth(0).check();
    await ipBoxes.nth(1).check();
    const ips = [await ipBoxes.nth(0).getAttribute("value"), await ipBoxes.nth(1).getAttribute("value")] as string[];
    for (const ip of ips) expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    await page.getByRole("button", { name: "Review change" }).click();

    const statement = page.getByTestId("review-statement");
    await expect(statement).toContainText(`Upgrade ${user} from Basic Package ($9.95) to Silver Package ($79.95) now`);
    await expect(statement).toContainText(`with the dedicated IPs ${ips[0]} and ${ips[1]}`);
    await expect(statement).toContainText("(the console's estimate)");
    await page.getByText("How the estimate is made").click();
    await expect(page.getByText("(new price − current price) × days left")).toBeVisible();
    // An upgrade takes nothing away: no typed confirmation.
    await expect(page.getByLabel("Type the username to confirm")).toHaveCount(0);
    if (js) await hydrated(page);
    await page.getByRole("button", { name: "Confirm change" }).click();

    const outcome = page.getByTestId("plan-outcome");
    await expect(outcome).toHaveAttribute("role", "status");
    await expect(outcome).toContainText("Recorded in the audit log");

    const after = await customerState(user);
    expect(after.v2?.package).toBe("Silver Package");
    expect([...after.v2!.ips].sort()).toEqual([...ips].sort());
    const invoice = after.v2?.invoices.find((i) => i.kind === "immediate_upgrade");
    expect(invoice?.package).toBe("Silver Package");
    expect(invoice?.amount_cents).toBeGreaterThan(0);

    // The page reads SendGrid again: the plan now shows Silver.
    await page.reload();
    await expect(page.getByRole("region", { name: "Plan", exact: true })).toContainText("Silver Package");
    await expectInHistory(page, user, "plan.immediate_upgrade", "Success");
  });

  test("schedule a downgrade, see it pending, advance the billing clock, see it applied", async ({ page }) => {
    const user = c.downgrade.username;
    await signIn(page, "manager");
    await openCustomer(page, user, nameOf(c.downgrade), js);

    await page.getByLabel("Action").selectOption("downgrade");
    await page.getByLabel("Timing").selectOption("end_of_cycle");
    await page.getByLabel("Target package").selectOption("Basic Package");
    await page.getByLabel("IP group").fill("Transactional");
    await page.getByRole("button", { name: "Review change" }).click();
    await expect(page.getByTestId("review-statement")).toContainText(
      `Downgrade ${user} from Silver Package ($79.95) to Basic Package ($9.95) at the end of the billing cycle on`,
    );
    if (js) await hydrated(page);
    await page.getByLabel("Type the username to confirm").fill(user);
    await page.getByRole("button", { name: "Confirm change" }).click();
    await expect(page.getByTestId("plan-outcome")).toContainText("Recorded in the audit log");

    const scheduled = await customerState(user);
    expect(scheduled.v2?.package).toBe("Silver Package");
    expect(scheduled.v2?.scheduled_change?.kind).toBe("downgrade");
    expect(scheduled.v2?.scheduled_change?.package).toBe("Basic Package");

    await page.reload();
    const pending = page.getByRole("region", { name: "Scheduled change" });
    await expect(pending).toContainText("Basic Package");
    await expect(pending).toContainText(scheduled.v2!.scheduled_change!.effective_on);
    await expect(page.getByTestId("customer-pending")).not.toHaveText("None");

    // Another change is not refused while one waits; the review says SendGrid may refuse it.
    await page.getByRole("navigation", { name: "Customer sections" }).getByRole("link", { name: "Plan" }).click();
    await expect(page).toHaveURL(new RegExp(`/customers/${user}/plan$`));
    await page.getByLabel("Action").selectOption("close");
    await page.getByLabel("Timing").selectOption("now");
    await page.getByRole("button", { name: "Review change" }).click();
    await expect(page.getByTestId("review-warnings")).toContainText("is already scheduled");

    const advanced = await advanceClock(31);
    expect(advanced.scheduled_applied).toBeGreaterThanOrEqual(1);
    const applied = await customerState(user);
    expect(applied.v2?.package).toBe("Basic Package");
    expect(applied.v2?.scheduled_change).toBeNull();
    expect(applied.v2?.ip_groups).toEqual(["Transactional"]);
    expect(applied.v2?.invoices.some((i) => i.kind === "scheduled_downgrade")).toBe(true);

    await page.reload();
    await expect(page.getByRole("region", { name: "Scheduled change" })).toHaveCount(0);
    await expect(page.getByText("No change is scheduled.")).toBeVisible();
    await expect(page.getByTestId("customer-package")).toContainText("Basic Package");
    await expectInHistory(page, user, "plan.scheduled_downgrade", "Success");
  });

  test("close an account: the wrong username is refused, the right one closes it", async ({ page }) => {
    const user = c.close.username;
    await signIn(page, "manager");
    await openCustomer(page, user, nameOf(c.close), js);

    await page.getByLabel("Action").selectOption("close");
    await page.getByLabel("Timing").selectOption("now");
    await page.getByRole("button", { name: "Review change" }).click();
    await expect(page.getByTestId("review-statement")).toContainText(`Close ${user}'s account now: it reverts to a free account`);
    if (js) await hydrated(page);

    const confirm = page.getByLabel("Type the username to confirm");
    await confirm.fill(`${user}-typo`);
    await page.getByRole("button", { name: "Confirm change" }).click();
    await expect(page.getByRole("alert").filter({ hasText: `Type the username ${user} exactly to confirm.` })).toBeVisible();
    expect((await customerState(user)).v2?.package, "a refused close changes nothing").toBe("Basic Package");

    await page.getByLabel("Type the username to confirm").fill(user);
    await page.getByRole("button", { name: "Confirm change" }).click();
    await expect(page.getByTestId("plan-outcome")).toContainText("Recorded in the audit log");
    const closed = await customerState(user);
    expect(closed.v2?.package).toBe("Free Package");
    expect(closed.v2?.invoices.some((i) => i.kind === "immediate_close")).toBe(true);
    await expectInHistory(page, user, "plan.immediate_close", "Success");
  });
}

test.describe("plans, with JavaScript", () => {
  flows(true);
});

test.describe("plans, without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  flows(false);
});

test("a support operator sees the plan and no change form", async ({ page }) => {
  const c = CUSTOMERS.supportView;
  await signIn(page, "support");
  await openCustomer(page, c.username, nameOf(c), true);
  const plan = page.getByRole("region", { name: "Plan", exact: true });
  await expect(plan).toContainText("Gold Package");
  await expect(plan).toContainText("Your role can read this plan but not change it.");
  await expect(page.getByLabel("Action")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Review change" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Confirm change" })).toHaveCount(0);
});
