import { expect, Page } from "@playwright/test";

/// One operator per role, created by the global setup through the CLI.
export const OPERATORS = {
  admin: "e2e-admin@example.com",
  manager: "e2e-manager@example.com",
  support: "e2e-support@example.com",
  auditor: "e2e-auditor@example.com",
} as const;

export type RoleName = keyof typeof OPERATORS;

export const PASSWORD = "e2e password that is long enough";

export async function signIn(page: Page, role: RoleName, next = "/"): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(OPERATORS[role]);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("operator-slot")).toContainText("Sign out");
}
