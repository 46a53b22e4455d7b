//! The state one running simulator shares between its handlers.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::calls::Call;
use crate::config::Config;
use crate::faults::Fault;
use crate::state::World;
use crate::v3::rate_limit::RateLimiter;

pub type Shared = Arc<Sim>;

pub struct Sim {
    pub config: Config,
    /// The seeded world, kept to answer `/_sim/reset`.
    pub seeded: World,
    world: Mutex<World>,
    faults: Mutex<Vec<Fault>>,
    calls: Mutex<Vec<Call>>,
    rate: Mutex<RateLimiter>,
}

/// A panic in one handler must not wedge the simulator for the next test.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Sim {
    pub fn new(config: Config, seeded: World) -> Shared {
        Arc::new(Self {
            world: Mutex::new(seeded.clone()),
            rate: Mutex::new(RateLimiter::new(config.rate_limit_per_minute)),
            faults: Mutex::default(),
            calls: Mutex::default(),
            seeded,
            config,
        })
    }

    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub fn faults(&self) -> MutexGuard<'_, Vec<Fault>> {
        lock(&self.faults)
    }

    pub fn calls(&self) -> MutexGuard<'_, Vec<Call>> {
        lock(&self.calls)
    }

    pub fn rate(&self) -> MutexGuard<'_, RateLimiter> {
        lock(&self.rate)
    }

    /// Back to the seeded world and the start-up rate limit, with no faults and no calls.
    pub fn reset(&self) {
        *self.world() = self.seeded.clone();
        *self.rate() = RateLimiter::new(self.config.rate_limit_per_minute);
        self.faults().clear();
        self.calls().clear();
    }
}
