//! The client's tests, in one binary so the helpers are shared without dead code and the
//! crate is linked once: fixtures (wiremock serving the documented bodies), reliability,
//! regions, the parsers under proptest, and every operation against the simulator.

mod common;
mod sim;

mod parsers_never_panic;
mod pending_recent;
mod regions;
mod reliability;
mod sim_v2;
mod sim_v3;
mod v2_account_fixtures;
mod v2_list_fixtures;
mod v3_fixtures;
