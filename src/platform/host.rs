//! [`Host`] for the browser: event-loop turns, threads on the shared
//! memory, isolated workers.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::compute::js_error_text;
use crate::core::workload::io::{Io, IoError};
use crate::exec::{ExecError, Host, IsolatedReport, Join, LocalFuture, RunContext};

#[wasm_bindgen(module = "/src/platform/host.js")]
extern "C" {
    fn yield_now() -> js_sys::Promise;
    fn spawn_thread(glue: JsValue, module: JsValue, memory: JsValue, job: u32) -> js_sys::Promise;
}

/// Runs a job handed over by [`BrowserHost::spawn_thread`]; called by
/// `www/thread.js` on the new thread.
#[wasm_bindgen]
pub fn spindle_thread_entry(job: u32) {
    // SAFETY: `job` comes from `Box::into_raw` in `spawn_thread` below and
    // is run exactly once, by the one thread it was sent to.
    let job = unsafe { Box::from_raw(job as *mut Box<dyn FnOnce() + Send>) };
    super::compute::mark_contained();
    job();
}

pub struct BrowserHost;

impl Host for BrowserHost {
    fn yield_now(&self) -> LocalFuture<'static, ()> {
        let promise = yield_now();
        Box::pin(async move {
            let _ = JsFuture::from(promise).await;
        })
    }

    fn sleep(&self, ms: f64) -> LocalFuture<'static, ()> {
        Box::pin(super::timer::sleep(ms))
    }

    fn spawn_thread(&self, job: Box<dyn FnOnce() + Send>) -> LocalFuture<'static, Result<Join, ExecError>> {
        // Leaks the job if the thread never starts: a few bytes, once.
        let ptr = Box::into_raw(Box::new(job)) as u32;
        let started = spawn_thread(super::compute::glue_url(), wasm_bindgen::module(), wasm_bindgen::memory(), ptr);
        Box::pin(async move {
            // Resolves with [the promise of its end] (a bare promise would be flattened).
            let end = JsFuture::from(started).await.map_err(|e| ExecError::Platform(js_error_text(&e)))?;
            let end: js_sys::Promise = js_sys::Array::from(&end).get(0).unchecked_into();
            let join: Join = Box::pin(async move {
                JsFuture::from(end).await.map(|_| ()).map_err(|e| ExecError::Platform(js_error_text(&e)))
            });
            Ok(join)
        })
    }

    fn run_isolated(&self, ctx: &RunContext, t0: f64) -> LocalFuture<'static, Result<IsolatedReport, ExecError>> {
        let ctx = ctx.clone();
        Box::pin(async move { super::isolated::run(&ctx, t0).await })
    }

    fn io(&self, _: &RunContext, io: &Io) -> LocalFuture<'static, Result<u64, IoError>> {
        Box::pin(super::io::perform(io.clone()))
    }
}
