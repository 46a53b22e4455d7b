//! Start-up settings of one simulator instance.

/// How the simulated world is seeded and which credentials it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Number of seeded v2 customers (v3-only accounts come on top, see `seed`).
    pub customers: usize,
    /// Seed of the deterministic generator: the same seed on the same day gives the same world.
    pub seed: u64,
    /// The only key accepted: v2 `api_key` and v3 `Authorization: Bearer <key>`.
    pub api_key: String,
    /// The only v2 `api_user` accepted; `apikey` as in the current docs (API.md §1.2).
    pub v2_user: String,
    /// Requests per minute per v3 endpoint; `None` never answers 429 (API.md §7).
    pub rate_limit_per_minute: Option<u32>,
    /// Answer as the legacy API does after the 2017 removal (API.md §2.6): the
    /// `scheduled_*` tasks are "Invalid task" and `reseller.pending` is an unknown module.
    pub api_2017: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            customers: 200,
            seed: 7,
            api_key: "sim-key".to_owned(),
            v2_user: "apikey".to_owned(),
            rate_limit_per_minute: None,
            api_2017: false,
        }
    }
}
