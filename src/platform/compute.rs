//! The compute worker's side: a dedicated Web Worker that owns the rayon
//! pool (wasm-bindgen-rayon) and runs the worker modes, off the page's main
//! thread. It may block (Atomics.wait is allowed in workers); the page
//! never does. The same bundle also serves as an isolated worker (one task
//! at a time, its own memory) when it is sent `Task`s instead of `Init`.
//! It is the page's own bundle: one wasm module for the page, the compute
//! worker, its pool threads, threads and isolated workers.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::clock::SharedClock;
use super::host::BrowserHost;
use super::io::BrowserIo;
use crate::core::mode::Mode;
use crate::core::run::clock::Clock;
use crate::core::session::protocol::{decode, encode, FromWorker, RunRequest, TaskSetup, ToWorker};
use crate::core::workload::{Params, SharedCells};
use crate::exec::{self, ExecError, RunContext};

/// Name of the channel on which any thread of the compute worker reports
/// a panic to the page: a panicking pool thread cannot reach its parent,
/// which is blocked waiting for it.
pub const CRASH_CHANNEL: &str = "spindle-crash";

type Handler = Closure<dyn FnMut(MessageEvent)>;

thread_local! {
    // The message handler lives as long as the worker.
    static ON_MESSAGE: RefCell<Option<Handler>> = const { RefCell::new(None) };
    // As an isolated worker: its copy of the run its tasks belong to (see
    // `Setup`), which items reach by message.
    static SETUP: RefCell<Option<Rc<(RunContext, TaskSetup)>>> = const { RefCell::new(None) };
    // A crash on this thread is reported by its parent (an isolated worker,
    // a thread of "thread per task"), not broadcast to the page.
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker) {
    // Posting a string cannot fail to clone; a closed port just drops it.
    let _ = scope().post_message(&JsValue::from_str(&encode(message)));
}

#[wasm_bindgen]
extern "C" {
    // The URL of this bundle's wasm-bindgen glue (spindle-page-<hash>.js).
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: js_sys::JsString;
}

/// The URL of the app's JS glue, for workers that load the same bundle.
pub(crate) fn glue_url() -> JsValue {
    GLUE_URL.with(|url| url.clone().into())
}

/// The first message to a new compute or isolated worker (`www/compute.js`):
/// the glue to import and this instance's compiled module, so the worker
/// runs the page's own wasm without fetching or compiling it again.
pub(crate) fn boot_message() -> JsValue {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"glue".into(), &glue_url());
    let _ = js_sys::Reflect::set(&message, &"module".into(), &wasm_bindgen::module());
    message.into()
}

/// Called by `www/compute.js` once this bundle is instantiated in a
/// worker: it becomes a compute worker (or an isolated worker).
#[wasm_bindgen]
pub fn spindle_compute_start() {
    register();
}

/// Installs the message handler and tells the parent it is listening.
pub fn register() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        // The wasm build leaves panic locations out (-Zlocation-detail=none,
        // .cargo/config.toml: smaller download); the message stays.
        let place = info
            .location()
            .filter(|l| l.line() > 0)
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let text = format!("panic: {what}{place}");
        web_sys::console::error_1(&text.clone().into());
        let report = FromWorker::Panicked { error: text };
        post(&report);
        if !CONTAINED.with(Cell::get) {
            if let Ok(channel) = web_sys::BroadcastChannel::new(CRASH_CHANNEL) {
                let _ = channel.post_message(&JsValue::from_str(&encode(&report)));
                channel.close();
            }
        }
    }));
    let handler = Handler::new(|event: MessageEvent| {
        let data = event.data();
        // As an isolated worker: the run's shared memory, before its setup.
        if let Some(buffer) = data.dyn_ref::<js_sys::SharedArrayBuffer>() {
            return super::cells::adopt(buffer);
        }
        let Some(text) = data.as_string() else {
            return;
        };
        match decode::<ToWorker>(&text) {
            Ok(ToWorker::Init { threads }) => wasm_bindgen_futures::spawn_local(init_pool(threads)),
            Ok(ToWorker::Run(request)) => wasm_bindgen_futures::spawn_local(run(request)),
            Ok(ToWorker::Picture { workload, params }) => {
                if let Ok(ctx) = context(&workload, &params, 1, 0.0, None) {
                    if let Some(p) = ctx.workload.traits().draws.map(|d| d.picture()) {
                        let pixels = crate::platform::share::base64url(&p.pixels);
                        post(&FromWorker::Picture { width: p.width, height: p.height, pixels });
                    }
                }
            }
            Ok(ToWorker::Items { items, last }) => SETUP.with(|s| {
                if let Some(exchange) = s.borrow().as_ref().and_then(|s| s.0.workload.traits().exchange) {
                    exchange.give_items(&items, last);
                }
            }),
            Ok(ToWorker::Setup(setup)) => {
                mark_contained();
                let cells =
                    super::cells::adopted().then(|| -> Arc<dyn SharedCells> { Arc::new(super::cells::JsCells) });
                match exec::isolated::worker_setup(&setup, Arc::new(SharedClock), Arc::new(BrowserIo), cells) {
                    Ok(ctx) => SETUP.with(|s| *s.borrow_mut() = Some(Rc::new((ctx, setup)))),
                    Err(error) => post(&FromWorker::Failed { id: None, error: error.to_string() }),
                }
            }
            Ok(ToWorker::Task { index }) => match SETUP.with(|s| s.borrow().clone()) {
                Some(setup) => {
                    // Most tasks never wait: run them here and now, and hand
                    // only the ones that do to the event loop (a spawned task
                    // costs a JS closure and a turn of the microtask queue).
                    let mut run = Box::pin(task(setup, index));
                    if run.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending() {
                        // Polled again at once with a real waker; futures here
                        // check their state on every poll, so nothing is lost.
                        wasm_bindgen_futures::spawn_local(run);
                    }
                }
                None => post(&FromWorker::Failed { id: None, error: "a task came before its setup".into() }),
            },
            Err(error) => post(&FromWorker::Failed { id: None, error: error.to_string() }),
        }
    });
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    super::io::set_base();
    ON_MESSAGE.with(|h| *h.borrow_mut() = Some(handler));
    // Part of the start-up: pool threads share this instance's compiled code.
    crate::core::workload::warm_up_all();
    post(&FromWorker::Loaded);
}

/// This thread's crashes are its parent's to report.
pub(crate) fn mark_contained() {
    CONTAINED.with(|c| c.set(true));
}

async fn init_pool(threads: u32) {
    let t0 = SharedClock.now_ms();
    match JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads as usize)).await {
        Ok(_) => post(&FromWorker::Ready {
            threads: rayon::current_num_threads() as u32,
            startup_ms: SharedClock.now_ms() - t0,
        }),
        Err(e) => post(&FromWorker::PoolFailed { error: js_error_text(&e) }),
    }
}

fn context(
    id: &str,
    params: &Params,
    workers: u32,
    switch_ms: f64,
    panic_task: Option<usize>,
) -> Result<RunContext, ExecError> {
    RunContext::build(id, params, workers, switch_ms, panic_task, Arc::new(SharedClock), Arc::new(BrowserIo))
}

/// Runs each requested mode in order and reports each as it finishes.
async fn run(request: RunRequest) {
    let ctx = match context(&request.workload, &request.params, request.workers, request.switch_ms, request.panic_task)
    {
        Ok(ctx) => ctx.with_progress(Arc::new(super::progress::Reporter::new(request.id, request.step))),
        Err(error) => return post(&FromWorker::Failed { id: Some(request.id), error: error.to_string() }),
    };
    let reference = ctx.workload.reference();
    let mut baseline = request.baseline.clone();
    for &mode in &request.modes {
        let run = exec::run_mode(mode, &ctx, &BrowserHost, reference.as_ref(), baseline.as_deref()).await;
        if mode == Mode::Sequential {
            baseline = Some(run.result.clone());
        }
        post(&FromWorker::ModeDone { id: request.id, run });
    }
    post(&FromWorker::Finished { id: request.id });
}

/// As an isolated worker: one task, its items and result back by message.
async fn task(setup: Rc<(RunContext, TaskSetup)>, index: usize) {
    let (ctx, setup) = &*setup;
    for message in exec::isolated::worker_task(ctx, &BrowserHost, index, setup.slot, setup.t0).await {
        post(&message);
    }
}

pub(crate) fn js_error_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
