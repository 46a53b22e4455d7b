import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { addFault, clearFaults } from "./simulator";

// The admins' SendGrid connection page: each API family's base URL and credential source,
// one harmless read each, SendGrid's refusal in its own words.

test("an admin checks the SendGrid connection and sees a refused key in SendGrid's words", async ({ page }) => {
  await signIn(page, "admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connection" }).click();
  await expect(page).toHaveURL(/\/connection$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("SendGrid connection");
  await expect(page.getByTestId("connection-summary")).toHaveText("Both API families answer with these credentials.");
  const v2 = page.getByRole("region", { name: "v2 (legacy reseller API)" });
  const v3 = page.getByRole("region", { name: "v3 (partner API)" });
  await expect(v2).toContainText("Works");
  await expect(v2).toContainText("packages listed");
  await expect(v3).toContainText("offerings in the catalog");
  await expect(v3).toContainText("requests left");
  await hydrated(page);

  await addFault({
    path_prefix: "/v3/partners/offerings",
    status: 401,
    body: '{"errors":[{"field":null,"message":"authorization required"}]}',
    content_type: "application/json",
    times: 1,
  });
  try {
    await page.getByRole("button", { name: "Check again" }).click();
    await expect(v3).toContainText("Refused");
    await expect(v3).toContainText("HTTP 401: SendGrid said “authorization required”");
    await expect(v2).toContainText("Works");
    await expect(page.getByTestId("connection-summary")).toContainText("SendGrid did not accept every check");
  } finally {
    await clearFaults();
  }
});

test("managers are not offered the connection page", async ({ page }) => {
  await signIn(page, "manager");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connection" })).toHaveCount(0);
  const response = await page.goto("/connection");
  expect(response?.status()).toBe(403);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the check runs with the page and again with the button", async ({ page }) => {
    await signIn(page, "admin");
    await page.goto("/connection");
    await expect(page.getByTestId("connection-summary")).toHaveText("Both API families answer with these credentials.");
    await page.getByRole("button", { name: "Check again" }).click();
    await expect(page).toHaveURL(/\/connection/);
    await expect(page.getByTestId("connection-summary")).toBeVisible();
  });
});
