import { expect } from "@playwright/test";
import { simulatorURL } from "./env";

/// The simulator's control plane (`/_sim/`, simulator/README.md): what SendGrid holds for a
/// customer, its billing clock and fault injection. Specs assert on it, not only on the UI.

export { simulatorURL };

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${simulatorURL}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export type Offering = { name: string; type: "package" | "addon"; quantity: number };

/// `GET /_sim/customers/:key`: `{username, today, v2, v3}` with the full internal state.
export type SimCustomer = {
  username: string | null;
  today: string;
  v2: {
    package: string;
    ips: string[];
    ip_groups: string[];
    limit: { credit: number; credit_remain: number; last_reset: string; recurring: unknown } | null;
    scheduled_change: { kind: string; package: string; effective_on: string } | null;
    invoices: { date: string; kind: string; package: string; amount_cents: number }[];
    account_id: string | null;
    [field: string]: unknown;
  } | null;
  v3: { id: string; state: string; offerings: Offering[]; [field: string]: unknown } | null;
};

export async function customerState(key: string): Promise<SimCustomer> {
  const response = await call("GET", `/_sim/customers/${encodeURIComponent(key)}`);
  expect(response.status, `simulator state of ${key}`).toBe(200);
  return (await response.json()) as SimCustomer;
}

/// `POST /_sim/customers`: a customer of the test's choosing (simulator/src/enrol.rs).
export type NewCustomer = {
  username: string;
  first_name?: string;
  last_name?: string;
  company?: string;
  email?: string;
  package?: string;
  ip_groups?: string[];
  cycle_day?: number;
  v3?: { offerings: Offering[]; state?: string };
};

export async function addCustomer(customer: NewCustomer): Promise<SimCustomer> {
  const response = await call("POST", "/_sim/customers", customer);
  const body = await response.json();
  if (response.status !== 201) {
    throw new Error(`simulator refused ${customer.username}: ${response.status} ${JSON.stringify(body)}`);
  }
  return body as SimCustomer;
}

/// Moves the billing clock: ends cycles and applies scheduled changes.
export async function advanceClock(days: number): Promise<{ today: string; scheduled_applied: number }> {
  const response = await call("POST", "/_sim/clock/advance", { days });
  expect(response.status).toBe(200);
  return response.json();
}

export type Fault = {
  path_prefix: string;
  status?: number;
  latency_ms?: number;
  times?: number;
  task?: string;
  body?: string;
  content_type?: string;
};

export async function addFault(fault: Fault): Promise<void> {
  const response = await call("POST", "/_sim/faults", fault);
  expect(response.status).toBe(201);
}

export async function clearFaults(): Promise<void> {
  const response = await call("DELETE", "/_sim/faults");
  expect(response.status).toBe(204);
}
