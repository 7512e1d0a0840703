//! The clock every worker of a run agrees on.
//!
//! `performance.now()` counts from the global's own `timeOrigin`, and every
//! Web Worker has its own, so raw `now()` values from two workers are on
//! different axes. `timeOrigin + now()` is on one (Unix-epoch ms, with µs
//! resolution left in an f64 at today's epoch). `std::time::Instant` panics
//! on wasm32-unknown-unknown, so it is not used here.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::core::run::clock::Clock;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

thread_local! {
    // Per wasm thread, that is per worker: each has its own timeOrigin.
    static TIME_ORIGIN: f64 = Reflect::get(&js_sys::global(), &"performance".into())
        .and_then(|p| Reflect::get(&p, &"timeOrigin".into()))
        .ok()
        .and_then(|t| t.as_f64())
        .unwrap_or(0.0);
}

/// Epoch milliseconds, comparable across workers.
#[derive(Debug, Default, Clone, Copy)]
pub struct SharedClock;

impl Clock for SharedClock {
    fn now_ms(&self) -> f64 {
        TIME_ORIGIN.with(|origin| origin + performance_now())
    }
}
