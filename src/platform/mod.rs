//! Browser glue, and the only home of it: the clock all workers share, the
//! compute worker (both sides of it), threads and isolated workers for the
//! modes, the main-thread meter, the URL and the environment checks.
//! Everything here converts types and calls into `core`/`exec`.

pub mod cells;
pub mod clock;
pub mod compute;
pub mod env;
pub mod host;
pub mod io;
pub mod isolated;
pub mod meter;
pub mod progress;
pub mod share;
pub mod timer;
pub mod url;
pub mod worker_client;

use wasm_bindgen::prelude::*;

thread_local! {
    // Lives as long as the thread: retired workers keep it as their handler.
    static SWALLOW: Closure<dyn FnMut(web_sys::ErrorEvent)> =
        Closure::new(|event: web_sys::ErrorEvent| event.prevent_default());
}

/// Gives a worker being retired an error handler that cancels its late
/// error events, so they do not propagate as uncaught errors.
pub(crate) fn swallow_errors(worker: &web_sys::Worker) {
    SWALLOW.with(|c| worker.set_onerror(Some(c.as_ref().unchecked_ref())));
}
