//! A global interpreter lock, as CPython (≥ 3.2) has one: a thread must
//! hold it to run; the holder hands it over once it has held it for the
//! switch interval *and* another thread is waiting. Hand-over is FIFO, so a
//! thread that lets go cannot grab it straight back (the "convoy" the old
//! GIL had).
//!
//! Blocking: use it only on threads that may block (Web Workers, native
//! threads), never on the browser's main thread.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// CPython's default `sys.getswitchinterval()`: 5 ms.
pub const DEFAULT_SWITCH_MS: f64 = 5.0;

#[derive(Debug, Default)]
struct State {
    held: bool,
    /// Tickets of waiting threads, served in order.
    next_ticket: u64,
    serving: u64,
    switches: u64,
}

#[derive(Debug)]
pub struct Gil {
    state: Mutex<State>,
    turn: Condvar,
    pub switch_ms: f64,
}

impl Gil {
    pub fn new(switch_ms: f64) -> Gil {
        Gil { state: Mutex::new(State::default()), turn: Condvar::new(), switch_ms }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Blocks until this thread holds the lock, after every thread that
    /// asked before it.
    pub fn acquire(&self) {
        let mut s = self.lock();
        let ticket = s.next_ticket;
        s.next_ticket += 1;
        while s.held || s.serving != ticket {
            s = self.turn.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        s.serving += 1;
        s.held = true;
    }

    pub fn release(&self) {
        self.lock().held = false;
        self.turn.notify_all();
    }

    /// Somebody is waiting for the lock.
    pub fn contended(&self) -> bool {
        let s = self.lock();
        s.next_ticket > s.serving
    }

    /// Called by the holder between slices: after `held_ms` of holding it,
    /// hands the lock to the next waiter and waits for its own turn again.
    /// Returns whether it switched.
    pub fn maybe_switch(&self, held_ms: f64) -> bool {
        if held_ms < self.switch_ms || !self.contended() {
            return false;
        }
        self.lock().switches += 1;
        self.release();
        self.acquire();
        true
    }

    /// Hand-overs so far.
    pub fn switches(&self) -> u64 {
        self.lock().switches
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    use std::thread;
    use std::time::{Duration, Instant};

    #[test]
    fn only_one_thread_runs_at_a_time() {
        let gil = Arc::new(Gil::new(1.0));
        let inside = Arc::new(AtomicU32::new(0));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (gil, inside) = (gil.clone(), inside.clone());
                thread::spawn(move || {
                    gil.acquire();
                    let start = Instant::now();
                    let mut since = Instant::now();
                    while start.elapsed() < Duration::from_millis(20) {
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two threads hold the GIL");
                        inside.fetch_sub(1, Ordering::SeqCst);
                        if gil.maybe_switch(since.elapsed().as_secs_f64() * 1e3) {
                            since = Instant::now();
                        }
                    }
                    gil.release();
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!(gil.switches() > 0, "contended threads must hand over");
    }

    #[test]
    fn no_switch_before_the_interval_or_without_waiters() {
        let gil = Gil::new(5.0);
        gil.acquire();
        assert!(!gil.maybe_switch(100.0), "nobody waits");
        assert!(!gil.contended());
        gil.release();
        assert_eq!(gil.switches(), 0);
    }

    #[test]
    fn hand_over_is_first_come_first_served() {
        let gil = Arc::new(Gil::new(0.0));
        let order = Arc::new(Mutex::new(Vec::new()));
        gil.acquire();
        let mut handles = Vec::new();
        for i in 0..3 {
            let (g, o) = (gil.clone(), order.clone());
            handles.push(thread::spawn(move || {
                g.acquire();
                o.lock().unwrap().push(i);
                g.release();
            }));
            // Each waiter takes its ticket before the next one starts.
            while gil.lock().next_ticket != i as u64 + 2 {
                thread::yield_now();
            }
        }
        gil.release();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2]);
    }
}
