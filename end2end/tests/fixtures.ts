import { test as base, expect, Page } from "@playwright/test";

/// A page that fails the test on any console error or uncaught exception.
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on("console", (message) => {
      // 4xx answers are asserted by the tests themselves (403 pages, 401 after a wrong
      // password); Chromium logs each as a console error. 5xx and script errors still fail.
      const expectedStatus = /^Failed to load resource: the server responded with a status of 4\d\d/;
      if (message.type() === "error" && !expectedStatus.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
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
