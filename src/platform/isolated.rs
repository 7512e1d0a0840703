//! Isolated workers in the browser: each is an instance of the page's
//! bundle in its own Web Worker, with its own memory. This file only moves
//! messages: [`crate::exec::isolated::Scheduler`] decides what each worker
//! gets. A worker's messages are handled as they arrive, in its
//! `onmessage`, so a finished task's next task leaves at once, with no wait
//! for the run's future to be polled.
//!
//! Like a `multiprocessing.Pool` kept open, workers outlive a run: the
//! healthy ones wait, idle, for the next run, which starts its tasks on
//! them at once instead of paying the start-up again.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Poll, Waker};

use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::core::session::protocol::{decode, encode, FromWorker, ToWorker};
use crate::exec::isolated::{Outbox, Scheduler};
use crate::exec::{ExecError, IsolatedReport, RunContext};

type Handlers = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(Event)>);

/// A worker and its handlers, owned by the run's loop: replaced (and so
/// dropped) only there, never inside one of its own handlers.
struct Slot {
    worker: Worker,
    /// Healthy and idle at the end of the run: kept for the next one.
    keep: bool,
    _handlers: Handlers,
}

/// At most this many idle workers wait for the next run.
const MAX_SPARE: usize = crate::core::session::setup::MAX_WORKERS as usize;

thread_local! {
    // Loaded, idle workers left by the last run.
    static SPARE: RefCell<Vec<Worker>> = const { RefCell::new(Vec::new()) };
}

impl Drop for Slot {
    fn drop(&mut self) {
        // Events the worker already queued (its error event after its panic
        // report) must find neither a dropped closure nor no handler at all:
        // an unhandled worker error propagates to the compute worker's
        // global scope and from there to the page, as a crash.
        self.worker.set_onmessage(None);
        super::swallow_errors(&self.worker);
        let kept = self.keep
            && SPARE.with(|spare| {
                let mut spare = spare.borrow_mut();
                (spare.len() < MAX_SPARE).then(|| spare.push(self.worker.clone())).is_some()
            });
        if !kept {
            self.worker.terminate();
        }
    }
}

/// One run's state, shared by the workers' handlers and the run's loop.
struct Shared {
    scheduler: Scheduler,
    workers: Vec<Option<Worker>>,
    /// Memory all workers share on purpose (see [`super::cells`]), if the
    /// workload uses any: sent to each worker before its setup.
    cells: Option<js_sys::SharedArrayBuffer>,
    /// The run's loop, waiting for the end or a crash.
    waker: Option<Waker>,
}

impl Shared {
    fn post(&self, out: Outbox) {
        for (slot, message) in out {
            if let Some(worker) = &self.workers[slot] {
                if let (ToWorker::Setup(_), Some(buffer)) = (&message, &self.cells) {
                    let _ = worker.post_message(buffer);
                }
                // A string always clones; a terminated worker drops it.
                let _ = worker.post_message(&JsValue::from_str(&encode(&message)));
            }
        }
    }

    fn wake(&mut self) {
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }
}

/// A worker for `slot`: an idle one from the last run if there is one
/// (then it is ready at once), else a new one, which says `Loaded` when it
/// listens.
fn start(slot: usize, generation: u32, shared: &Rc<RefCell<Shared>>) -> Result<(Slot, bool), ExecError> {
    let spare = SPARE.with(|spare| spare.borrow_mut().pop());
    let reused = spare.is_some();
    let worker = match spare {
        Some(worker) => worker,
        None => {
            let options = WorkerOptions::new();
            options.set_type(WorkerType::Module);
            // Resolved against the compute worker's own script, compute.js.
            let worker = Worker::new_with_options("./compute.js", &options)
                .map_err(|e| ExecError::Platform(super::compute::js_error_text(&e)))?;
            let _ = worker.post_message(&super::compute::boot_message());
            worker
        }
    };
    let on_message = {
        let shared = Rc::downgrade(shared);
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let (Some(shared), Some(text)) = (shared.upgrade(), e.data().as_string()) else { return };
            let mut sh = shared.borrow_mut();
            let out = match decode::<FromWorker>(&text) {
                Ok(message) => sh.scheduler.message(slot, generation, message),
                Err(error) => sh.scheduler.crashed(slot, generation, error.to_string()),
            };
            sh.post(out);
            sh.wake();
        })
    };
    let on_error = {
        let shared = Rc::downgrade(shared);
        // A script that does not load fires a plain `Event`, with no message.
        Closure::<dyn FnMut(Event)>::new(move |e: Event| {
            e.prevent_default();
            let Some(shared) = shared.upgrade() else { return };
            let message = e.dyn_ref::<ErrorEvent>().map(ErrorEvent::message).unwrap_or_default();
            let why = if message.is_empty() { "the worker crashed".into() } else { message };
            let mut sh = shared.borrow_mut();
            let out = sh.scheduler.crashed(slot, generation, why);
            sh.post(out);
            sh.wake();
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok((Slot { worker, keep: false, _handlers: (on_message, on_error) }, reused))
}

/// Puts a worker in `slot` and, if it was reused, starts its tasks.
fn place(slot: usize, generation: u32, shared: &Rc<RefCell<Shared>>) -> Result<Slot, ExecError> {
    let (placed, reused) = start(slot, generation, shared)?;
    let mut sh = shared.borrow_mut();
    sh.workers[slot] = Some(placed.worker.clone());
    if reused {
        let out = sh.scheduler.reused(slot);
        sh.post(out);
    }
    Ok(placed)
}

/// Runs every task of `ctx` on `ctx.workers` isolated workers.
pub async fn run(ctx: &RunContext, t0: f64) -> Result<IsolatedReport, ExecError> {
    // Memory shared on purpose: every worker gets the buffer before its setup.
    let cells = ctx.workload.traits().cells.map(|uses| {
        let buffer = super::cells::create(uses.cell_count());
        uses.share(Arc::new(super::cells::JsCells));
        buffer
    });
    let scheduler = Scheduler::new(ctx, t0);
    let n = scheduler.slots();
    let shared = Rc::new(RefCell::new(Shared { scheduler, workers: vec![None; n], cells, waker: None }));
    let mut slots = Vec::with_capacity(n);
    for s in 0..n {
        slots.push(place(s, 0, &shared)?);
    }
    loop {
        // Wait for the end of the run or a crash (the handlers do the
        // rest), or for a second to pass: then workers that never loaded
        // are taken for dead.
        let mut second = super::timer::sleep(1_000.0);
        let next = std::future::poll_fn(|cx| {
            let mut sh = shared.borrow_mut();
            if let Some(next) = sh.scheduler.replacement() {
                Poll::Ready(Some(Some(next)))
            } else if sh.scheduler.is_done() {
                Poll::Ready(Some(None))
            } else {
                sh.waker = Some(cx.waker().clone());
                drop(sh);
                std::future::Future::poll(std::pin::Pin::new(&mut second), cx).map(|()| None)
            }
        })
        .await;
        let Some(replacement) = next else {
            let mut sh = shared.borrow_mut();
            let out = sh.scheduler.check_start_up();
            sh.post(out);
            continue;
        };
        let Some((s, generation)) = replacement else { break };
        slots[s] = place(s, generation, &shared)?; // drops the crashed worker and its handlers, here
    }
    {
        let sh = shared.borrow();
        for (s, slot) in slots.iter_mut().enumerate() {
            slot.keep = sh.scheduler.keep(s);
        }
    }
    drop(slots);
    // The handlers held only weak references, gone with their slots.
    let shared =
        Rc::try_unwrap(shared).map_err(|_| ExecError::Platform("a worker's handler outlived its run".into()))?;
    Ok(shared.into_inner().scheduler.report())
}
