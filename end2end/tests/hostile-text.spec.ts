import { test as plain } from "@playwright/test";
import { test, expect, hydrated } from "./fixtures";
import { signIn } from "./operators";
import { openCustomer } from "./directory";
import { customerState } from "./simulator";
import { CUSTOMERS } from "./world";

// Customer-supplied text that looks like HTML is shown as text everywhere and runs nothing;
// and the page's CSP would stop an injected script even if some text slipped through.

for (const c of [CUSTOMERS.scriptName, CUSTOMERS.imgName]) {
  test(`a customer named ${c.first_name} renders as text and opens no dialog`, async ({ page }) => {
    const dialogs: string[] = [];
    page.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    // SendGrid really holds the hostile text: nothing was cleaned on the way in.
    expect((await customerState(c.username)).v2?.first_name).toBe(c.first_name);

    await signIn(page, "support");
    const name = `${c.first_name} ${c.last_name}`;
    await openCustomer(page, c.username, name, true);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
    await expect(page.getByText(c.company, { exact: true })).toBeVisible();

    // Neither the directory nor the customer page made elements out of the text.
    await page.goto(`/customers?q=${c.username}`);
    await hydrated(page);
    await expect(page.getByRole("link", { name })).toBeVisible();
    await expect(page.getByRole("cell", { name: c.company, exact: true })).toBeVisible();
    for (const path of [`/customers?q=${c.username}`, `/customers/${c.username}`]) {
      await page.goto(path);
      await hydrated(page);
      expect(await page.locator('img[src="x"]').count(), `no <img src=x> on ${path}`).toBe(0);
      const scripts = await page.locator("script").evaluateAll((all) => all.map((s) => s.textContent ?? ""));
      // The hydration data carries the name JSON-encoded with `<` as \u003c, never as markup.
      expect(scripts.filter((text) => /^\s*alert\(/.test(text)), `no alert script on ${path}`).toEqual([]);
      expect(scripts.filter((text) => text.includes("<script>") || text.includes("<img")), `no raw markup in scripts on ${path}`).toEqual([]);
    }
    expect(dialogs).toEqual([]);
  });
}

// Uses a plain page: Chromium reports the blocked script as a console error, which is the point.
plain("the CSP blocks a script element or an event handler injected without the nonce", async ({ page }) => {
  await signIn(page, "support");
  const response = await page.goto("/customers");
  const csp = response?.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/);
  expect(csp).not.toContain("unsafe-inline");
  await hydrated(page);

  await page.evaluate(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener("securitypolicyviolation", (event) => w.__violations.push(event.effectiveDirective));
    const script = document.createElement("script");
    script.textContent = "window.__injected = true;";
    document.body.appendChild(script);
    const holder = document.createElement("div");
    holder.innerHTML = '<img src="data:," onerror="window.__handler = true" onload="window.__handler = true">';
    document.body.appendChild(holder);
  });
  // Violation reports arrive as queued tasks: wait for both, then read what ran.
  await expect
    .poll(async () => {
      const seen = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
      return [...new Set(seen.filter((directive) => directive.startsWith("script-src")))].sort();
    })
    .toEqual(["script-src-attr", "script-src-elem"]);
  const blocked = await page.evaluate(() => {
    const w = window as unknown as { __injected?: boolean; __handler?: boolean };
    return { injected: w.__injected ?? false, handler: w.__handler ?? false };
  });
  expect(blocked.injected, "the injected script did not run").toBe(false);
  expect(blocked.handler, "the injected event handler did not run").toBe(false);
});
