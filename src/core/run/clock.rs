//! One clock for all threads of a run.

/// Milliseconds on a clock that every thread of a run reads alike, so task
/// start and end times from different workers fall on one axis.
///
/// In the browser each worker has its own `performance.timeOrigin`, so the
/// wasm clock is `timeOrigin + now()` (see `platform::clock`); on the host
/// it is a process-wide `Instant`.
pub trait Clock: Sync {
    fn now_ms(&self) -> f64;
}

/// The host clock: milliseconds since the first call in this process.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct HostClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for HostClock {
    fn now_ms(&self) -> f64 {
        use std::sync::OnceLock;
        use std::time::Instant;
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
    }
}
