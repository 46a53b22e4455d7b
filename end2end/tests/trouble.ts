import { expect, Page } from "@playwright/test";

/// What a person would see go wrong while using the console: a dialog, a server function
/// answered 400 or 5xx, an uncaught error, an error notice on the screen. `watch` starts
/// collecting; `settled` waits for the screen to finish loading and fails on anything seen.
export type Trouble = { settled: (where: string) => Promise<void> };

export function watch(page: Page): Trouble {
  const problems: string[] = [];
  page.on("dialog", async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("response", (response) => {
    const path = new URL(response.url()).pathname;
    const status = response.status();
    if (path.startsWith("/api/") && (status === 400 || status >= 500)) {
      problems.push(`${response.request().method()} ${path} answered ${status}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));

  return {
    settled: async (where: string) => {
      // Fully loaded: the router is not fetching a screen and nothing says it is loading.
      await expect(page.locator(".route-progress")).not.toHaveClass(/is-active/);
      await expect(page.locator("[aria-busy='true']")).toHaveCount(0);
      const alerts = await page.locator("[role='alert']:visible").allInnerTexts();
      for (const text of alerts) problems.push(`alert: ${text.trim()}`);
      expect(problems, `what went wrong by ${where}`).toEqual([]);
    },
  };
}

/// Holds the page's code (the wasm bundle and its split chunks) until `release` is called,
/// so a test can act on the server-rendered page as a person does while it downloads.
export async function holdCode(page: Page): Promise<{ release: () => void }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/pkg\/.*\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  return { release };
}
