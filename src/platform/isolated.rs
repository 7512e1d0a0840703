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
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::clock::SharedClock;
use crate::core::clock::Clock;
use crate::core::protocol::{decode, encode, FromWorker, TaskRequest, ToWorker};
use crate::core::record::TaskRecord;
use crate::exec::{IsolatedReport, Outcome, RunContext};

enum Event {
    Message(String),
    Crashed(String),
}

/// Events from all workers, tagged with (slot, generation), awaited one by one.
#[derive(Default)]
struct Queue {
    events: VecDeque<(usize, u32, Event)>,
    waker: Option<Waker>,
}

#[derive(Clone, Default)]
struct Events(Rc<RefCell<Queue>>);

impl Events {
    fn push(&self, slot: usize, generation: u32, event: Event) {
        let mut q = self.0.borrow_mut();
        q.events.push_back((slot, generation, event));
        if let Some(w) = q.waker.take() {
            w.wake();
        }
    }

    fn next(&self) -> impl Future<Output = (usize, u32, Event)> + '_ {
        std::future::poll_fn(move |cx: &mut Context<'_>| {
            let mut q = self.0.borrow_mut();
            match q.events.pop_front() {
                Some(e) => Poll::Ready(e),
                None => {
                    q.waker = Some(cx.waker().clone());
                    Poll::Pending
                }
            }
        })
    }
}

type Handlers = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(ErrorEvent)>);

struct Slot {
    worker: Worker,
    generation: u32,
    created_ms: f64,
    /// The task it runs and when it was sent.
    busy: Option<(usize, f64)>,
    /// Loaded and listening (a reused worker is from the start).
    ready: bool,
    /// Healthy and idle at the end of the run: kept for the next one.
    keep: bool,
    _handlers: Handlers,
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
/// else a new one (which says `Loaded` when it listens).
fn start(slot: usize, generation: u32, events: &Events) -> Result<Slot, String> {
    let spare = SPARE.with(|spare| spare.borrow_mut().pop());
    let ready = spare.is_some();
    let worker = match spare {
        Some(worker) => worker,
        None => {
            let options = WorkerOptions::new();
            options.set_type(WorkerType::Module);
            // Resolved against the compute worker's own script, compute.js.
            Worker::new_with_options("./compute.js", &options).map_err(|e| super::compute::js_error_text(&e))?
        }
    };
    let on_message = {
        let events = events.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string() {
                events.push(slot, generation, Event::Message(text));
            }
        })
    };
    let on_error = {
        let events = events.clone();
        Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            events.push(slot, generation, Event::Crashed(e.message()));
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Slot {
        worker,
        generation,
        created_ms: SharedClock.now_ms(),
        busy: None,
        ready,
        keep: false,
        _handlers: (on_message, on_error),
    })
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
    fn flush(&mut self, slots: &[Slot]) {
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

/// Runs every task of `ctx` on `ctx.workers` isolated workers.
pub async fn run(ctx: &RunContext, t0: f64) -> Result<IsolatedReport, String> {
    let n = ctx.workload.task_count();
    let events = Events::default();
    let mut slots = Vec::new();
    for s in 0..(ctx.workers as usize).min(n).max(1) {
        slots.push(start(s, 0, &events)?);
    }
    let reused = slots.iter().filter(|slot| slot.ready).count();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    let (mut next, mut remaining, mut replaced) = (0usize, n, 0usize);
    let (mut message_ms, mut startup_ms) = (Vec::new(), Vec::new());
    let mut broker =
        Broker { producers_left: (0..n).filter(|&i| !ctx.workload.takes_items(i)).count(), ..Broker::default() };

    let send_next = |slot: &mut Slot, s: usize, next: &mut usize, broker: &mut Broker| {
        if *next < n {
            broker.task_started(ctx, s, *next);
            let request = TaskRequest {
                workload: ctx.workload_id.clone(),
                params: ctx.params.clone(),
                index: *next,
                slot: s as u32,
                t0,
                panic_task: ctx.panic_task,
            };
            slot.busy = Some((*next, SharedClock.now_ms()));
            let _ = slot.worker.post_message(&JsValue::from_str(&encode(&ToWorker::Task(request))));
            *next += 1;
        }
    };

    for (s, slot) in slots.iter_mut().enumerate().filter(|(_, slot)| slot.ready) {
        send_next(slot, s, &mut next, &mut broker);
    }

    while remaining > 0 {
        let (s, generation, event) = events.next().await;
        if slots[s].generation != generation {
            continue; // from a worker already replaced
        }
        let crash = match event {
            Event::Message(text) => match decode::<FromWorker>(&text) {
                Ok(FromWorker::Loaded) => {
                    slots[s].ready = true;
                    startup_ms.push(SharedClock.now_ms() - slots[s].created_ms);
                    send_next(&mut slots[s], s, &mut next, &mut broker);
                    None
                }
                Ok(FromWorker::Put { item }) => {
                    broker.items.push(item);
                    broker.passed += 1;
                    None
                }
                Ok(FromWorker::TaskDone { value, record }) => {
                    if let Some((index, sent)) = slots[s].busy.take() {
                        broker.task_ended(ctx, s, index);
                        ctx.progress.task_done();
                        message_ms.push((SharedClock.now_ms() - sent) - record.duration_ms());
                        outcomes[index] = Some((value, record));
                        remaining -= 1;
                    }
                    send_next(&mut slots[s], s, &mut next, &mut broker);
                    None
                }
                Ok(FromWorker::Failed { error, .. }) => Some(error),
                Ok(_) => None,
                Err(error) => Some(error),
            },
            Event::Crashed(message) => Some(if message.is_empty() { "the worker crashed".into() } else { message }),
        };
        if let Some(why) = crash {
            // Only this worker dies: its task fails, a fresh one takes its place.
            if let Some((index, sent)) = slots[s].busy.take() {
                broker.task_ended(ctx, s, index);
                outcomes[index] = Some(failed(ctx, index, s, sent, t0, why));
                remaining -= 1;
            }
            if remaining > 0 {
                slots[s] = start(s, generation + 1, &events)?;
                replaced += 1;
                if slots[s].ready {
                    send_next(&mut slots[s], s, &mut next, &mut broker);
                }
            }
        }
        broker.flush(&slots);
    }
    // Workers still starting are not ready to be reused; the others are.
    for slot in &mut slots {
        slot.keep = slot.ready && slot.busy.is_none();
    }
    drop(slots);
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    Ok(IsolatedReport {
        tasks: outcomes.into_iter().map(|o| o.expect("every task has an outcome")).collect(),
        message_ms: mean(&message_ms),
        startup_ms: mean(&startup_ms),
        replaced,
        reused,
        items_passed: broker.passed,
    })
}
