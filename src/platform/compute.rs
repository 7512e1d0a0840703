//! The compute worker's side: a dedicated Web Worker that owns the rayon
//! pool (wasm-bindgen-rayon) and runs every mode. It may block (Atomics.wait
//! is allowed in workers); the page's main thread never does.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::clock::SharedClock;
use crate::core::clock::Clock;
use crate::core::mode::Mode;
use crate::core::protocol::{decode, encode, FromWorker, RunRequest, ToWorker};
use crate::core::workload;
use crate::exec;

type Handler = Closure<dyn FnMut(MessageEvent)>;

thread_local! {
    // The message handler lives as long as the worker.
    static ON_MESSAGE: RefCell<Option<Handler>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker) {
    // Posting a string cannot fail to clone; a closed port just drops it.
    let _ = scope().post_message(&JsValue::from_str(&encode(message)));
}

/// Entry point of the `spindle-worker` binary: installs the message handler
/// and tells the page it is listening.
pub fn register() {
    std::panic::set_hook(Box::new(|info| {
        let text = format!("the compute worker panicked: {info}");
        web_sys::console::error_1(&text.clone().into());
        post(&FromWorker::Failed {
            id: None,
            error: text,
        });
    }));
    let handler = Handler::new(|event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        match decode::<ToWorker>(&text) {
            Ok(ToWorker::Init { threads }) => wasm_bindgen_futures::spawn_local(init_pool(threads)),
            Ok(ToWorker::Run(request)) => run(&request),
            Err(error) => post(&FromWorker::Failed { id: None, error }),
        }
    });
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    ON_MESSAGE.with(|h| *h.borrow_mut() = Some(handler));
    post(&FromWorker::Loaded);
}

async fn init_pool(threads: u32) {
    let t0 = SharedClock.now_ms();
    match JsFuture::from(wasm_bindgen_rayon::init_thread_pool(threads as usize)).await {
        Ok(_) => post(&FromWorker::Ready {
            threads: rayon::current_num_threads() as u32,
            startup_ms: SharedClock.now_ms() - t0,
        }),
        Err(e) => post(&FromWorker::Failed {
            id: None,
            error: format!("could not start the thread pool: {}", js_error_text(&e)),
        }),
    }
}

/// Runs each requested mode in order and reports each as it finishes.
fn run(request: &RunRequest) {
    let fail = |error: String| {
        post(&FromWorker::Failed {
            id: Some(request.id),
            error,
        })
    };
    let Some(spec) = workload::find(&request.workload) else {
        return fail(format!("unknown workload {:?}", request.workload));
    };
    let work = match (spec.build)(&request.params) {
        Ok((work, _)) => work,
        Err(e) => return fail(e.to_string()),
    };
    let reference = work.reference();
    let mut sequential = None;
    for &mode in &request.modes {
        let run = exec::run_mode(
            mode,
            work.as_ref(),
            &SharedClock,
            reference.as_ref(),
            sequential.as_ref(),
        );
        post(&FromWorker::ModeDone {
            id: request.id,
            run: run.clone(),
        });
        if mode == Mode::Sequential {
            sequential = Some(run);
        }
    }
    post(&FromWorker::Finished { id: request.id });
}

pub(crate) fn js_error_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
