//! Isolated workers, process-like: each is an instance of the compute
//! bundle in its own Web Worker, with its own memory. Tasks go out and
//! results come back by `postMessage` (copied). An idle worker gets the
//! next task; a worker whose task crashes is terminated and replaced, its
//! task is reported as failed, and the others carry on.
//!
//! Like a `multiprocessing.Pool` kept open, workers outlive a run: the
//! healthy ones wait, idle, for the next run, which starts its tasks on
//! them at once instead of paying the start-up again (the first run, the
//! warm-up, shows the start-up).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::clock::SharedClock;
use crate::core::clock::Clock;
use crate::core::protocol::{decode, encode, FromWorker, TaskSetup, ToWorker};
use crate::core::record::TaskRecord;
use crate::exec::{IsolatedReport, Outcome, RunContext};

type Handlers = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(ErrorEvent)>);

/// A worker and its handlers, owned by the run's loop: replaced (and so
/// dropped) only there, never inside one of its own handlers.
struct Slot {
    worker: Worker,
    /// Healthy and idle at the end of the run: kept for the next one.
    keep: bool,
    _handlers: Handlers,
}

/// What the run knows of one slot's worker.
struct SlotState {
    worker: Worker,
    generation: u32,
    created_ms: f64,
    /// The task it runs and when it was sent.
    busy: Option<(usize, f64)>,
    /// Loaded and listening (a reused worker is from the start).
    ready: bool,
}

/// At most this many idle workers wait for the next run.
const MAX_SPARE: usize = crate::core::setup::MAX_WORKERS as usize;

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

/// A worker for `slot`: an idle one from the last run if there is one,
/// else a new one (which says `Loaded` when it listens). Its messages are
/// handled as they arrive, in its `onmessage`: a finished task's next task
/// leaves at once, with no wait for the run's future to be polled.
fn start(slot: usize, generation: u32, shared: &Rc<RefCell<Shared>>) -> Result<(Slot, SlotState), String> {
    let spare = SPARE.with(|spare| spare.borrow_mut().pop());
    let ready = spare.is_some();
    let worker = match spare {
        Some(worker) => worker,
        None => {
            let options = WorkerOptions::new();
            options.set_type(WorkerType::Module);
            // Resolved against the compute worker's own script, compute.js.
            let worker =
                Worker::new_with_options("./compute.js", &options).map_err(|e| super::compute::js_error_text(&e))?;
            let _ = worker.post_message(&super::compute::boot_message());
            worker
        }
    };
    let on_message = {
        let shared = Rc::downgrade(shared);
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let (Some(shared), Some(text)) = (shared.upgrade(), e.data().as_string()) {
                shared.borrow_mut().message(slot, generation, &text);
            }
        })
    };
    let on_error = {
        let shared = Rc::downgrade(shared);
        Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            if let Some(shared) = shared.upgrade() {
                let message = e.message();
                let why = if message.is_empty() { "the worker crashed".into() } else { message };
                shared.borrow_mut().crashed(slot, generation, why);
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let state = SlotState { worker: worker.clone(), generation, created_ms: SharedClock.now_ms(), busy: None, ready };
    Ok((Slot { worker, keep: false, _handlers: (on_message, on_error) }, state))
}

/// The page's end of a queue between isolated workers (a pipe and its
/// feeder): items put by producers' workers wait here until workers run
/// tasks that take them, then go to one of those by message.
#[derive(Default)]
struct Broker {
    items: Vec<u64>,
    /// Tasks that put items (all the others) not yet done.
    producers_left: usize,
    /// Slots running a task that takes items, and whether they know that
    /// no more will come.
    takers: Vec<(usize, bool)>,
    turn: usize,
    /// Items received from producers.
    passed: usize,
}

impl Broker {
    fn task_started(&mut self, ctx: &RunContext, slot: usize, index: usize) {
        if ctx.workload.takes_items(index) {
            self.takers.push((slot, false));
        }
    }

    fn task_ended(&mut self, ctx: &RunContext, slot: usize, index: usize) {
        if ctx.workload.takes_items(index) {
            self.takers.retain(|(s, _)| *s != slot);
        } else {
            self.producers_left -= 1;
        }
    }

    /// Sends what waits to the next taker, round robin, and `last` to every
    /// taker once all producers are done.
    fn flush(&mut self, slots: &[SlotState]) {
        if self.takers.is_empty() {
            return;
        }
        let last = self.producers_left == 0;
        let send = |slot: usize, items: Vec<u64>| {
            let message = encode(&ToWorker::Items { items, last });
            let _ = slots[slot].worker.post_message(&JsValue::from_str(&message));
        };
        if !self.items.is_empty() {
            self.turn = (self.turn + 1) % self.takers.len();
            let (slot, told) = &mut self.takers[self.turn];
            send(*slot, std::mem::take(&mut self.items));
            *told |= last;
        }
        if last {
            for (slot, told) in self.takers.iter_mut().filter(|(_, told)| !told) {
                send(*slot, Vec::new());
                *told = true;
            }
        }
    }
}

fn failed(ctx: &RunContext, index: usize, slot: usize, since: f64, t0: f64, why: String) -> Outcome {
    ctx.progress.task_done();
    let record = TaskRecord {
        index,
        label: ctx.workload.task_label(index),
        worker: slot as u32,
        start_ms: since - t0,
        end_ms: SharedClock.now_ms() - t0,
        result: String::new(),
        error: Some(why),
    };
    (None, record)
}

/// One run's state, shared by the workers' handlers and the run's loop.
struct Shared {
    ctx: RunContext,
    t0: f64,
    slots: Vec<SlotState>,
    outcomes: Vec<Option<Outcome>>,
    next: usize,
    remaining: usize,
    message_ms: Vec<f64>,
    startup_ms: Vec<f64>,
    broker: Broker,
    /// Memory all workers share on purpose (see [`super::cells`]), if the
    /// workload uses any: sent to each worker before its setup.
    cells: Option<js_sys::SharedArrayBuffer>,
    /// Workers that crashed, for the loop to replace: (slot, generation, why).
    crashes: VecDeque<(usize, u32, String)>,
    /// The run's loop, waiting for the end or a crash.
    waker: Option<Waker>,
}

impl Shared {
    /// Each worker builds the workload once per run; then a task is its index.
    fn set_up(&self, s: usize) {
        if let Some(buffer) = &self.cells {
            let _ = self.slots[s].worker.post_message(buffer);
        }
        let setup = TaskSetup {
            workload: self.ctx.workload_id.clone(),
            params: self.ctx.params.clone(),
            slot: s as u32,
            t0: self.t0,
            panic_task: self.ctx.panic_task,
        };
        let _ = self.slots[s].worker.post_message(&JsValue::from_str(&encode(&ToWorker::Setup(setup))));
    }

    fn send_next(&mut self, s: usize) {
        if self.next < self.outcomes.len() {
            let index = self.next;
            self.broker.task_started(&self.ctx, s, index);
            self.slots[s].busy = Some((index, SharedClock.now_ms()));
            let _ = self.slots[s].worker.post_message(&JsValue::from_str(&encode(&ToWorker::Task { index })));
            self.next += 1;
        }
    }

    /// A worker that is ready (loaded, or reused): its setup, then a task.
    fn begin(&mut self, s: usize) {
        self.set_up(s);
        self.send_next(s);
    }

    fn message(&mut self, s: usize, generation: u32, text: &str) {
        if self.slots[s].generation != generation {
            return; // from a worker already replaced
        }
        match decode::<FromWorker>(text) {
            Ok(FromWorker::Loaded) => {
                self.slots[s].ready = true;
                self.startup_ms.push(SharedClock.now_ms() - self.slots[s].created_ms);
                self.begin(s);
            }
            Ok(FromWorker::Put { item }) => {
                self.broker.items.push(item);
                self.broker.passed += 1;
            }
            Ok(FromWorker::TaskDone { value, record }) => {
                if let Some((index, sent)) = self.slots[s].busy.take() {
                    self.broker.task_ended(&self.ctx, s, index);
                    self.ctx.progress.task_done();
                    self.message_ms.push((SharedClock.now_ms() - sent) - record.duration_ms());
                    self.outcomes[index] = Some((value, record));
                    self.remaining -= 1;
                }
                self.send_next(s);
            }
            Ok(FromWorker::Failed { error, .. }) => return self.crashed(s, generation, error),
            Ok(_) => {}
            Err(error) => return self.crashed(s, generation, error),
        }
        self.broker.flush(&self.slots);
        if self.remaining == 0 {
            self.wake();
        }
    }

    /// Only this worker dies: its task fails, and the loop puts a fresh
    /// worker in its place.
    fn crashed(&mut self, s: usize, generation: u32, why: String) {
        if self.slots[s].generation != generation {
            return;
        }
        if let Some((index, sent)) = self.slots[s].busy.take() {
            self.broker.task_ended(&self.ctx, s, index);
            self.outcomes[index] = Some(failed(&self.ctx, index, s, sent, self.t0, why.clone()));
            self.remaining -= 1;
        }
        // Later events of this worker are stale from now on, and it is
        // not kept for the next run.
        self.slots[s].generation = generation.wrapping_add(1);
        self.slots[s].ready = false;
        self.crashes.push_back((s, self.slots[s].generation, why));
        self.broker.flush(&self.slots);
        self.wake();
    }

    fn wake(&mut self) {
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }
}

/// Runs every task of `ctx` on `ctx.workers` isolated workers.
pub async fn run(ctx: &RunContext, t0: f64) -> Result<IsolatedReport, String> {
    let n = ctx.workload.task_count();
    let cells = (ctx.workload.shared_cells() > 0).then(|| {
        let buffer = super::cells::create(ctx.workload.shared_cells());
        ctx.workload.share(Arc::new(super::cells::JsCells));
        buffer
    });
    let shared = Rc::new(RefCell::new(Shared {
        ctx: ctx.clone(),
        t0,
        slots: Vec::new(),
        outcomes: vec![None; n],
        next: 0,
        remaining: n,
        message_ms: Vec::new(),
        startup_ms: Vec::new(),
        broker: Broker {
            producers_left: (0..n).filter(|&i| !ctx.workload.takes_items(i)).count(),
            ..Broker::default()
        },
        cells,
        crashes: VecDeque::new(),
        waker: None,
    }));
    let mut slots = Vec::new();
    for s in 0..(ctx.workers as usize).min(n).max(1) {
        let (slot, state) = start(s, 0, &shared)?;
        slots.push(slot);
        shared.borrow_mut().slots.push(state);
    }
    let reused = shared.borrow().slots.iter().filter(|slot| slot.ready).count();
    {
        let mut sh = shared.borrow_mut();
        for s in 0..sh.slots.len() {
            if sh.slots[s].ready {
                sh.begin(s);
            }
        }
    }

    let mut replaced = 0usize;
    loop {
        // Wait for the end of the run or a crash; the handlers do the rest.
        let crash = std::future::poll_fn(|cx: &mut Context<'_>| {
            let mut sh = shared.borrow_mut();
            if let Some(crash) = sh.crashes.pop_front() {
                Poll::Ready(Some(crash))
            } else if sh.remaining == 0 {
                Poll::Ready(None)
            } else {
                sh.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        let Some((s, generation, _why)) = crash else { break };
        if shared.borrow().remaining == 0 {
            continue; // nothing left for a replacement to do
        }
        let (slot, state) = start(s, generation, &shared)?;
        slots[s] = slot; // drops the crashed worker and its handlers, here
        replaced += 1;
        let mut sh = shared.borrow_mut();
        let ready = state.ready;
        sh.slots[s] = state;
        if ready {
            sh.begin(s);
        }
    }

    let mut sh = shared.borrow_mut();
    // Workers still starting are not ready to be reused; the others are.
    for (slot, state) in slots.iter_mut().zip(&sh.slots) {
        slot.keep = state.ready && state.busy.is_none();
    }
    drop(slots);
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    // A task's messaging time is skewed (a few wait behind the browser's
    // other work): the median says what a typical round trip costs.
    Ok(IsolatedReport {
        tasks: std::mem::take(&mut sh.outcomes).into_iter().map(|o| o.expect("every task has an outcome")).collect(),
        message_ms: crate::core::stats::median(&sh.message_ms).unwrap_or(0.0),
        startup_ms: mean(&sh.startup_ms),
        replaced,
        reused,
        items_passed: sh.broker.passed,
    })
}
