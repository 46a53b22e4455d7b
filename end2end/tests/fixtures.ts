import { test as base, expect, Page } from "@playwright/test";

/// A page that fails the test on any console error or uncaught exception.
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    await use(page);
    expect(problems, "the browser reported errors").toEqual([]);
  },
});

export { expect };

/// Resolves once the wasm bundle has hydrated the server-rendered page.
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("body[data-hydrated='true']")).toBeAttached();
}
