import { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { openCustomer } from "./directory";
import { downgradeToBasic } from "./plan";
import { customerState } from "./simulator";
import { CUSTOMERS } from "./world";

// Four-eyes approval by clicking: an admin makes downgrades need a second person; a manager's
// downgrade then waits as a request (nothing sent); the requester cannot approve it; an admin
// approves it (the change is made) or declines it with a reason (nothing sent). Hydrated and
// with JavaScript off. The policy is set back at the end: other specs downgrade too.

type Who = { username: string; first_name: string; last_name: string };
const nameOf = (c: Who) => `${c.first_name} ${c.last_name}`;

async function setDowngradePolicy(page: Page, held: boolean, js: boolean): Promise<void> {
  await signIn(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
  await expect(page).toHaveURL(/\/approvals$/);
  if (js) await hydrated(page);
  const box = page.getByRole("checkbox", { name: "Downgrade a plan" });
  if (held) await box.check();
  else await box.uncheck();
  const save = page.getByRole("button", { name: "Save policy" });
  if (js) {
    await save.click();
    await expect(page.getByText("The approval policy was saved")).toBeVisible();
  } else {
    // A plain POST, answered with a redirect back to the page.
    await Promise.all([page.waitForEvent("load"), save.click()]);
  }
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Downgrade a plan" })).toBeChecked({ checked: held });
}

async function requestDowngrade(page: Page, c: Who, js: boolean): Promise<string> {
  await signIn(page, "manager");
  await openCustomer(page, c.username, nameOf(c), js);
  await downgradeToBasic(page, c.username, "now", js);
  const outcome = page.getByTestId("plan-outcome");
  await expect(outcome).toContainText(`Waiting for a second person: Downgrade ${c.username} to Basic Package now.`);
  expect((await customerState(c.username)).v2?.package, "nothing sent yet").toBe("Silver Package");
  const link = outcome.getByRole("link", { name: /Open request #\d+/ });
  const id = ((await link.textContent()) ?? "").replace(/\D/g, "");
  // The requester opens it: no Approve for them.
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/approvals/${id}$`));
  await expect(page.getByTestId("approval-status")).toHaveText("Waiting");
  await expect(page.getByTestId("own-request")).toBeVisible();
  await expect(page.getByText("Approve…")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Approve and make the change" })).toHaveCount(0);
  // The customer's page says it waits.
  await page.getByRole("link", { name: c.username, exact: true }).click();
  await expect(page.getByTestId("waiting-approvals")).toContainText(`Request #${id}`);
  return id;
}

function flows(js: boolean) {
  const c = js ? CUSTOMERS.approvalJs : CUSTOMERS.approvalNoJs;

  test("a held downgrade waits, the requester cannot approve, an admin approves and it is made", async ({ page }) => {
    await setDowngradePolicy(page, true, js);
    try {
      const id = await requestDowngrade(page, c, js);

      await signIn(page, "admin");
      await expect(page.getByTestId("need-approvals")).toContainText("Decide on them");
      await page.getByTestId("need-approvals").getByRole("link", { name: "Decide on them" }).click();
      const row = page.getByRole("row").filter({ hasText: c.username });
      await row.getByRole("link", { name: `#${id}` }).click();
      await expect(page).toHaveURL(new RegExp(`/approvals/${id}$`));
      await expect(page.getByTestId("approval-summary")).toHaveText(`Downgrade ${c.username} to Basic Package now.`);
      await expect(page.getByTestId("changed-since")).toContainText("Nothing changed at SendGrid since the request");
      if (js) await hydrated(page);
      await page.getByText("Approve…").click();
      await expect(page.getByText(`Approving makes the change now, in your name, with e2e-manager@example.com named as its requester`)).toBeVisible();
      await page.getByRole("button", { name: "Approve and make the change" }).click();
      await expect(page.getByTestId("approval-status")).toHaveText("Approved");
      await expect(page.getByTestId("approval-decision")).toContainText("Approved by e2e-admin@example.com.");
      await expect(page.getByTestId("approval-decision")).toContainText(`Downgraded ${c.username} to Basic Package.`);
      expect((await customerState(c.username)).v2?.package).toBe("Basic Package");
    } finally {
      await setDowngradePolicy(page, false, js);
    }
  });
}

async function setBulkThreshold(page: Page, threshold: string): Promise<void> {
  await signIn(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
  await hydrated(page);
  await page.getByLabel("Bulk changes for more customers than (blank = never)").fill(threshold);
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByText("The approval policy was saved")).toBeVisible();
}

test.describe("with JavaScript", () => {
  flows(true);

  test("a bulk change for more customers than the threshold waits as a request; declined, nothing starts", async ({ page }) => {
    const users = [CUSTOMERS.supportView.username, CUSTOMERS.v2Only.username];
    await setBulkThreshold(page, "1");
    try {
      await signIn(page, "manager");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bulk" }).click();
      await hydrated(page);
      await page.getByRole("radio", { name: "These customers" }).check();
      await page.getByLabel("Usernames or account ids").fill(users.join("\n"));
      await page.getByLabel("Operation").selectOption("limit_total");
      await page.getByLabel("Credits").fill("4321");
      await page.getByRole("button", { name: "Review the change" }).click();
      await page.getByRole("button", { name: "Start the bulk change (2 customers)" }).click();

      // Not started: the request waits, with the form and the customers chosen then and now.
      await expect(page).toHaveURL(/\/approvals\/\d+$/);
      await expect(page.getByTestId("approval-status")).toHaveText("Waiting");
      await expect(page.getByTestId("approval-summary")).toHaveText("Set the credit limit to 4,321 credits for 2 customers.");
      await expect(page.getByRole("row").filter({ hasText: "Customers chosen" })).toContainText("2");
      const id = page.url().replace(/.*\//, "");

      await signIn(page, "admin");
      await page.goto(`/approvals/${id}`);
      await page.getByLabel("Why decline it").fill("One at a time, please.");
      await page.getByRole("button", { name: "Decline", exact: true }).click();
      await expect(page.getByTestId("approval-status")).toHaveText("Declined");
      await page.goto("/bulk");
      await expect(page.locator("main")).not.toContainText("Set the credit limit to 4,321 credits");
    } finally {
      await setBulkThreshold(page, "");
    }
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  flows(false);

  test("support reads a request without deciding; an admin declines it with a reason and nothing is sent", async ({ page }) => {
    const c = CUSTOMERS.approvalDecline;
    await setDowngradePolicy(page, true, false);
    try {
      const id = await requestDowngrade(page, c, false);

      await signIn(page, "support");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
      await expect(page.getByRole("checkbox", { name: "Downgrade a plan" })).toBeDisabled();
      await expect(page.getByRole("button", { name: "Save policy" })).toHaveCount(0);
      await page.getByRole("row").filter({ hasText: c.username }).getByRole("link", { name: `#${id}` }).click();
      await expect(page.getByText("your role can read requests only")).toBeVisible();
      await expect(page.getByRole("button", { name: "Decline" })).toHaveCount(0);

      await signIn(page, "admin");
      await page.goto(`/approvals/${id}`);
      await page.getByLabel("Why decline it").fill("Not before the invoice is paid.");
      await page.getByRole("button", { name: "Decline", exact: true }).click();
      await expect(page.getByTestId("approval-status")).toHaveText("Declined");
      await expect(page.getByTestId("approval-decision")).toContainText(
        "Declined by e2e-admin@example.com: Not before the invoice is paid.",
      );
      expect((await customerState(c.username)).v2?.package, "nothing sent").toBe("Silver Package");
    } finally {
      await setDowngradePolicy(page, false, false);
    }
  });
});
