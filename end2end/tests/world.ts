import type { NewCustomer, Offering } from "./simulator";

/// The customers the specs work on, added to the simulator by the global setup before the
/// directory's first sync. Each test has its own, so tests stay independent of each other
/// and of the order they run in.

const v3Start: Offering[] = [
  { name: "org.ei.essentials40k.v1", type: "package", quantity: 1 },
  { name: "org.mc.basic.v1", type: "addon", quantity: 1 },
  { name: "org.ip.dedicated.v1", type: "addon", quantity: 2 },
];

export const CUSTOMERS = {
  upgradeJs: { username: "e2e-upgrade-js", first_name: "Uma", last_name: "Upgrade", company: "Upgrade Scripted Ltd", package: "Basic Package", cycle_day: 10 },
  upgradeNoJs: { username: "e2e-upgrade-nojs", first_name: "Ulla", last_name: "Upgrade", company: "Upgrade Plain Ltd", package: "Basic Package", cycle_day: 10 },
  downgradeJs: { username: "e2e-downgrade-js", first_name: "Dana", last_name: "Downgrade", company: "Downgrade Scripted Ltd", package: "Silver Package" },
  downgradeNoJs: { username: "e2e-downgrade-nojs", first_name: "Dirk", last_name: "Downgrade", company: "Downgrade Plain Ltd", package: "Silver Package" },
  closeJs: { username: "e2e-close-js", first_name: "Cleo", last_name: "Close", company: "Close Scripted Ltd", package: "Basic Package" },
  closeNoJs: { username: "e2e-close-nojs", first_name: "Carl", last_name: "Close", company: "Close Plain Ltd", package: "Basic Package" },
  supportView: { username: "e2e-support-view", first_name: "Sam", last_name: "Support", company: "Read Only Ltd", package: "Gold Package" },
  scriptName: { username: "e2e-script-name", first_name: "<script>alert(1)</script>", last_name: "Scripted", company: "<script>alert(2)</script>", package: "Basic Package" },
  imgName: { username: "e2e-img-name", first_name: "<img src=x onerror=alert(1)>", last_name: "Imaged", company: "<img src=x onerror=alert(2)>", package: "Basic Package" },
  limits: { username: "e2e-limits", first_name: "Lena", last_name: "Limits", company: "Limits Ltd", package: "Basic Package" },
  limitsNoJs: { username: "e2e-limits-nojs", first_name: "Lars", last_name: "Limits", company: "Limits Plain Ltd", package: "Basic Package" },
  offerings: { username: "e2e-offerings", first_name: "Olga", last_name: "Offerings", company: "Offerings Ltd", package: "Basic Package", v3: { offerings: v3Start } },
  offeringsNoJs: { username: "e2e-offerings-nojs", first_name: "Otto", last_name: "Offerings", company: "Offerings Plain Ltd", package: "Basic Package", v3: { offerings: v3Start } },
  beforeCodeLimits: { username: "e2e-early-limits", first_name: "Erin", last_name: "Early", company: "Early Limits Ltd", package: "Basic Package" },
  beforeCodePlan: { username: "e2e-early-plan", first_name: "Egon", last_name: "Early", company: "Early Plan Ltd", package: "Silver Package" },
  quickClick: { username: "e2e-quick-click", first_name: "Quinn", last_name: "Quick", company: "Quick Click Ltd", package: "Basic Package" },
  sso: { username: "e2e-sso", first_name: "Sonja", last_name: "Signin", company: "Sign In Ltd", package: "Basic Package", v3: { offerings: v3Start } },
  scheduledJs: { username: "e2e-scheduled-js", first_name: "Sally", last_name: "Scheduled", company: "Scheduled Scripted Ltd", package: "Silver Package" },
  scheduledNoJs: { username: "e2e-scheduled-nojs", first_name: "Saul", last_name: "Scheduled", company: "Scheduled Plain Ltd", package: "Silver Package" },
  held: { username: "e2e-held", first_name: "Hedda", last_name: "Held", company: "Held Change Ltd", package: "Silver Package" },
  bulkPlanA: { username: "e2e-bulk-plan-a", first_name: "Bea", last_name: "Bulk", company: "Bulk Plan One Ltd", package: "Silver Package" },
  bulkPlanB: { username: "e2e-bulk-plan-b", first_name: "Bert", last_name: "Bulk", company: "Bulk Plan Two Ltd", package: "Silver Package" },
  linkPair: { username: "e2e-link-pair", first_name: "Lia", last_name: "Linked", company: "Link Pair Ltd", package: "Basic Package", v3: { offerings: v3Start } },
  approvalJs: { username: "e2e-approval-js", first_name: "Abe", last_name: "Approval", company: "Approval Scripted Ltd", package: "Silver Package" },
  approvalNoJs: { username: "e2e-approval-nojs", first_name: "Ada", last_name: "Approval", company: "Approval Plain Ltd", package: "Silver Package" },
  approvalDecline: { username: "e2e-approval-decline", first_name: "Dora", last_name: "Declined", company: "Approval Declined Ltd", package: "Silver Package" },
  revertJs: { username: "e2e-revert-js", first_name: "Rita", last_name: "Revert", company: "Revert Scripted Ltd", package: "Basic Package", v3: { offerings: v3Start } },
  revertNoJs: { username: "e2e-revert-nojs", first_name: "Rolf", last_name: "Revert", company: "Revert Plain Ltd", package: "Basic Package", v3: { offerings: v3Start } },
  v2Only: { username: "e2e-v2-only", first_name: "Vera", last_name: "Legacy", company: "Only Legacy Ltd", package: "Basic Package" },
} satisfies Record<string, NewCustomer>;
