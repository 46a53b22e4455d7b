import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { Page } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";

// The notifications page by clicking, hydrated and without JavaScript: an admin reaches it from
// the navigation, a bad address is refused beside its field, a real webhook on loopback is
// saved (shown masked), a test message reaches it and the page lists it delivered. The webhook
// is turned off again at the end: other specs raise notifications too.

type Webhook = { url: string; seen: { text: string; kind: string }[]; server: Server };

async function startWebhook(): Promise<Webhook> {
  const seen: Webhook["seen"] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      seen.push(JSON.parse(body));
      response.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook/T01-very-secret-path`, seen, server };
}

async function saveWebhook(page: Page, url: string, js: boolean): Promise<void> {
  await page.getByLabel("Webhook address").fill(url);
  const save = page.getByRole("button", { name: "Save webhook" });
  if (js) await save.click();
  else await Promise.all([page.waitForEvent("load"), save.click()]);
}

function flows(js: boolean) {
  test("an admin sets the webhook, a test message reaches it and is listed delivered", async ({ page }) => {
    const webhook = await startWebhook();
    try {
      await signIn(page, "admin");
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notifications" }).click();
      await expect(page).toHaveURL(/\/notifications$/);
      await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
      if (js) await hydrated(page);

      if (js) {
        await saveWebhook(page, "ftp://example.com/hook", js);
        await expect(page.locator("#webhook-url-error")).toContainText("starts with https://");
        await expect(page.getByLabel("Webhook address")).toHaveAttribute("aria-invalid", "true");
      }
      await saveWebhook(page, webhook.url, js);
      if (js) {
        await expect(page.getByRole("status").filter({ hasText: "Saved: messages go to" })).toBeVisible();
        // The secret address leaves the box once saved; the card shows it masked.
        await expect(page.getByLabel("Webhook address")).toHaveValue("");
      }
      const now = page.getByTestId("webhook-now");
      await expect(now).toContainText(/http:\/\/127\.0\.0\.1:\d+\/…path/);
      await expect(page.locator("main")).not.toContainText("very-secret");

      const send = page.getByRole("button", { name: "Send a test message" });
      if (js) {
        await send.click();
        await expect(page.getByRole("status").filter({ hasText: "A test message is queued" })).toBeVisible();
      } else {
        await Promise.all([page.waitForEvent("load"), send.click()]);
      }
      await expect.poll(() => webhook.seen.map((m) => m.text).join("\n"), { timeout: 15_000 }).toContain(
        "Test message from the Reseller Console, sent by e2e-admin@example.com.",
      );
      // Refresh until the page shows it delivered.
      const row = page.getByTestId("delivery").filter({ hasText: "Test message from the Reseller Console" }).first();
      await expect(async () => {
        if (js) await page.getByRole("button", { name: "Refresh" }).click();
        else await page.reload();
        await expect(row).toContainText("Delivered", { timeout: 1000 });
      }).toPass({ timeout: 15_000 });
    } finally {
      await page.goto("/notifications");
      if (js) await hydrated(page);
      await saveWebhook(page, "", js);
      await expect(page.getByTestId("webhook-now")).toContainText("Off: no webhook is set");
      await expect(page.getByRole("button", { name: "Send a test message" })).toBeDisabled();
      webhook.server.close();
    }
  });
}

test.describe("with JavaScript", () => {
  flows(true);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  flows(false);
});

// Uses its own page: Chromium logs the expected 403 of the document as a console error.
test("a manager has no Notifications link and is refused the page", async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, "manager");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Notifications" })).toHaveCount(0);
  const response = await page.goto("/notifications");
  expect(response?.status()).toBe(403);
  await page.close();
});
