//! Sleeping tasks share one browser timer per thread, the way asyncio's
//! event loop keeps one heap of scheduled callbacks and sleeps until the
//! earliest. A thousand `sleep(100)`s cost a thousand map entries and one
//! `setTimeout`, not a thousand timers, promises and JS closures, so they
//! start in microseconds and end together.
//!
//! Re-arming for the next deadline happens in a sleeping task's own poll
//! (the timer callback only wakes tasks), never inside the timer callback:
//! timers set from timer callbacks are nested, and nested short timers are
//! clamped to 4 ms by the browser.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;

use super::clock::SharedClock;
use crate::core::run::clock::Clock;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(super) fn set_timeout(callback: &JsValue, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(super) fn clear_timeout(handle: &JsValue);
}

/// A deadline's key: (due as f64 bits, id). Deadlines are positive epoch
/// milliseconds, whose bit patterns sort like the numbers.
type Key = (u64, u64);

#[derive(Default)]
struct Timers {
    sleeping: BTreeMap<Key, Waker>,
    next_id: u64,
    /// The browser timer set, and the deadline it was set for.
    armed: Option<(f64, JsValue)>,
    callback: Option<Closure<dyn FnMut()>>,
}

thread_local! {
    static TIMERS: RefCell<Timers> = RefCell::default();
}

impl Timers {
    /// Sets the browser timer for the earliest deadline, unless one is set
    /// for it or earlier.
    fn arm(&mut self, now: f64) {
        let Some(&(due, _)) = self.sleeping.keys().next() else { return };
        let due = f64::from_bits(due);
        if self.armed.as_ref().is_some_and(|(armed, _)| *armed <= due) {
            return;
        }
        if let Some((_, handle)) = self.armed.take() {
            clear_timeout(&handle);
        }
        let callback = self.callback.get_or_insert_with(|| Closure::new(fire));
        let handle = set_timeout(callback.as_ref(), (due - now).max(0.0));
        self.armed = Some((due, handle));
    }
}

/// The browser timer went off: wake every task whose deadline has come,
/// and the next one too, spuriously, so that its poll (or its drop) sets
/// the timer again.
fn fire() {
    let now = SharedClock.now_ms();
    let wake: Vec<Waker> = TIMERS.with(|t| {
        let mut t = t.borrow_mut();
        t.armed = None;
        let later = t.sleeping.split_off(&(now.to_bits().saturating_add(1), 0));
        let due = std::mem::replace(&mut t.sleeping, later);
        let mut wake: Vec<Waker> = due.into_values().collect();
        wake.extend(t.sleeping.values().next().cloned());
        wake
    });
    for waker in wake {
        waker.wake();
    }
}

/// Ready `ms` milliseconds after its first poll.
pub struct Sleep {
    ms: f64,
    key: Option<Key>,
}

pub fn sleep(ms: f64) -> Sleep {
    Sleep { ms, key: None }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let (now, ms) = (SharedClock.now_ms(), self.ms);
        let key = *self.key.get_or_insert_with(|| {
            let id = TIMERS.with(|t| {
                let mut t = t.borrow_mut();
                t.next_id += 1;
                t.next_id
            });
            ((now + ms.max(0.0)).to_bits(), id)
        });
        TIMERS.with(|t| {
            let mut t = t.borrow_mut();
            let poll = if now >= f64::from_bits(key.0) {
                t.sleeping.remove(&key);
                Poll::Ready(())
            } else {
                t.sleeping.insert(key, cx.waker().clone());
                Poll::Pending
            };
            // Ready or not, this may be the poll `fire` asked for.
            t.arm(now);
            poll
        })
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            // A task dropped while it slept (cancelled) leaves no entry,
            // and the timer set for the others.
            let _ = TIMERS.try_with(|t| {
                let mut t = t.borrow_mut();
                if t.sleeping.remove(&key).is_some() {
                    t.arm(SharedClock.now_ms());
                }
            });
        }
    }
}
