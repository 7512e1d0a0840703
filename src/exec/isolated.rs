//! Isolated workers: like processes. N workers, each with its own copy of
//! the workload and its own memory; every task and result is copied by
//! message.
//!
//! The scheduling is here, in plain Rust: [`Scheduler`] decides which
//! worker gets the next task, what a crashed worker's task becomes, and
//! where the items of a queue go; [`worker_setup`] and [`worker_task`] are
//! what a worker does with the messages it gets. The places workers live
//! only carry the messages: Web Workers in the browser
//! (`platform::isolated`), native threads on the host ([`super::native`]),
//! where the tests run the same scheduler.

use std::collections::VecDeque;
use std::sync::Arc;

use super::{one_task, ExecError, Executor, Host, IsolatedReport, LocalFuture, Outcome, Run, RunContext};
use crate::core::run::clock::Clock;
use crate::core::run::record::{Metric, TaskRecord};
use crate::core::run::stats::median;
use crate::core::session::protocol::{FromWorker, TaskSetup, ToWorker};
use crate::core::workload::io::BlockingIo;
use crate::core::workload::SharedCells;

pub struct Isolated;

impl Executor for Isolated {
    fn threads(&self, ctx: &RunContext) -> u32 {
        ctx.workers
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, host: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, ExecError>> {
        Box::pin(async move {
            let report = host.run_isolated(ctx, t0).await?;
            let mut run = Run::from(report.tasks);
            run.metrics.insert(Metric::MessageMs, report.message_ms);
            if report.reused < ctx.workers.min(ctx.workload.task_count() as u32) as usize {
                run.metrics.insert(Metric::WorkerStartupMs, report.startup_ms);
            }
            run.metrics.insert(Metric::WorkersReused, report.reused as f64);
            run.metrics.insert(Metric::WorkersReplaced, report.replaced as f64);
            if report.items_passed > 0 {
                run.metrics.insert(Metric::ItemsByMessage, report.items_passed as f64);
            }
            Ok(run)
        })
    }
}

/// A new worker that has not said it is loaded after this long is taken
/// for dead and replaced (a script that never answers).
pub const START_TIMEOUT_MS: f64 = 20_000.0;

/// Workers replaced in one run, at most, per slot: past that, the run's
/// remaining tasks fail with the last reason instead of waiting forever.
const REPLACEMENTS_PER_SLOT: usize = 3;

/// Messages for the workers: which slot each goes to.
pub type Outbox = Vec<(usize, ToWorker)>;

/// What the run knows of one slot's worker.
#[derive(Debug, Clone)]
struct Slot {
    /// Bumped when the worker crashes: messages of an older one are stale.
    generation: u32,
    created_ms: f64,
    /// The task it runs and when it was sent.
    busy: Option<(usize, f64)>,
    /// Loaded and listening.
    ready: bool,
}

/// The page's end of a queue between isolated workers (a pipe and its
/// feeder): items put by producers' workers wait here until workers run
/// tasks that take them, then go to one of those by message.
#[derive(Debug, Default)]
struct Broker {
    items: Vec<u64>,
    /// Tasks that put items (all that do not take) not yet done.
    producers_left: usize,
    /// Slots running a task that takes items, and whether they were told
    /// that no more will come.
    takers: Vec<(usize, bool)>,
    turn: usize,
    /// Items received from producers.
    passed: usize,
}

impl Broker {
    /// Sends what waits to the next taker, round robin, and `last` to
    /// every taker once all producers are done.
    fn flush(&mut self, out: &mut Outbox) {
        if self.takers.is_empty() {
            return;
        }
        let last = self.producers_left == 0;
        if !self.items.is_empty() {
            self.turn = (self.turn + 1) % self.takers.len();
            let (slot, told) = &mut self.takers[self.turn];
            out.push((*slot, ToWorker::Items { items: std::mem::take(&mut self.items), last }));
            *told |= last;
        }
        if last {
            for (slot, told) in self.takers.iter_mut().filter(|(_, told)| !told) {
                out.push((*slot, ToWorker::Items { items: Vec::new(), last: true }));
                *told = true;
            }
        }
    }
}

/// One run on isolated workers: an idle worker gets the next task; a
/// worker whose task crashes is reported failed and replaced, and the
/// others carry on.
pub struct Scheduler {
    ctx: RunContext,
    t0: f64,
    slots: Vec<Slot>,
    outcomes: Vec<Option<Outcome>>,
    next: usize,
    remaining: usize,
    message_ms: Vec<f64>,
    startup_ms: Vec<f64>,
    broker: Broker,
    /// Crashed slots that need a new worker, with its generation.
    replace: VecDeque<(usize, u32)>,
    replaced: usize,
    reused: usize,
    /// See [`START_TIMEOUT_MS`].
    start_timeout_ms: f64,
}

impl Scheduler {
    /// A run of every task of `ctx` on `ctx.workers` workers (no more than
    /// there are tasks), times relative to `t0`.
    pub fn new(ctx: &RunContext, t0: f64) -> Scheduler {
        let n = ctx.workload.task_count();
        let exchange = ctx.workload.traits().exchange;
        let producers = (0..n).filter(|&i| !exchange.is_some_and(|e| e.takes_items(i))).count();
        let now = ctx.clock.now_ms();
        let slots = (ctx.workers as usize).min(n).max(1);
        Scheduler {
            ctx: ctx.clone(),
            t0,
            slots: vec![Slot { generation: 0, created_ms: now, busy: None, ready: false }; slots],
            outcomes: vec![None; n],
            next: 0,
            remaining: n,
            message_ms: Vec::new(),
            startup_ms: Vec::new(),
            broker: Broker { producers_left: producers, ..Broker::default() },
            replace: VecDeque::new(),
            replaced: 0,
            reused: 0,
            start_timeout_ms: START_TIMEOUT_MS,
        }
    }

    /// The same run with another start-up timeout (for tests).
    pub fn with_start_timeout(self, ms: f64) -> Scheduler {
        Scheduler { start_timeout_ms: ms, ..self }
    }

    /// Workers that have not loaded within the start-up timeout are taken
    /// for dead: call now and then while the run waits.
    pub fn check_start_up(&mut self) -> Outbox {
        let now = self.ctx.clock.now_ms();
        let late: Vec<(usize, u32)> = (0..self.slots.len())
            .filter(|&s| !self.slots[s].ready && now - self.slots[s].created_ms > self.start_timeout_ms)
            .map(|s| (s, self.slots[s].generation))
            .collect();
        let mut out = Vec::new();
        for (s, generation) in late {
            let why = format!("the worker did not start within {:.1} s", self.start_timeout_ms / 1e3);
            out.extend(self.crashed(s, generation, why));
        }
        out
    }

    /// How many workers the run uses.
    pub fn slots(&self) -> usize {
        self.slots.len()
    }

    /// Every task has its outcome.
    pub fn is_done(&self) -> bool {
        self.remaining == 0
    }

    /// A worker left idle by an earlier run took `slot`: it is ready now.
    pub fn reused(&mut self, slot: usize) -> Outbox {
        self.reused += 1;
        self.slots[slot].ready = true;
        self.begin(slot)
    }

    /// A healthy, idle worker that may wait for the next run.
    pub fn keep(&self, slot: usize) -> bool {
        self.slots[slot].ready && self.slots[slot].busy.is_none()
    }

    /// A slot whose worker crashed while tasks remain: start a new worker
    /// there, of this generation.
    pub fn replacement(&mut self) -> Option<(usize, u32)> {
        if self.is_done() {
            self.replace.clear();
        }
        let next = self.replace.pop_front()?;
        self.slots[next.0].created_ms = self.ctx.clock.now_ms();
        self.replaced += 1;
        Some(next)
    }

    /// Its setup, then a task.
    fn begin(&mut self, s: usize) -> Outbox {
        let setup = TaskSetup {
            workload: self.ctx.workload_id.clone(),
            params: self.ctx.params.clone(),
            slot: s as u32,
            t0: self.t0,
            panic_task: self.ctx.panic_task,
        };
        let mut out = vec![(s, ToWorker::Setup(setup))];
        self.send_next(s, &mut out);
        self.broker.flush(&mut out);
        out
    }

    fn send_next(&mut self, s: usize, out: &mut Outbox) {
        if self.next < self.outcomes.len() {
            let index = self.next;
            if self.ctx.workload.traits().exchange.is_some_and(|e| e.takes_items(index)) {
                self.broker.takers.push((s, false));
            }
            self.slots[s].busy = Some((index, self.ctx.clock.now_ms()));
            out.push((s, ToWorker::Task { index }));
            self.next += 1;
        }
    }

    fn task_ended(&mut self, s: usize, index: usize) {
        if self.ctx.workload.traits().exchange.is_some_and(|e| e.takes_items(index)) {
            self.broker.takers.retain(|(slot, _)| *slot != s);
        } else {
            self.broker.producers_left -= 1;
        }
        self.remaining -= 1;
    }

    /// A message from the worker in `slot` (of `generation`).
    pub fn message(&mut self, s: usize, generation: u32, message: FromWorker) -> Outbox {
        if self.slots[s].generation != generation {
            return Vec::new(); // from a worker already replaced
        }
        let mut out = Vec::new();
        match message {
            FromWorker::Loaded => {
                self.slots[s].ready = true;
                self.startup_ms.push(self.ctx.clock.now_ms() - self.slots[s].created_ms);
                return self.begin(s);
            }
            FromWorker::Put { item } => {
                self.broker.items.push(item);
                self.broker.passed += 1;
            }
            FromWorker::TaskDone { value, record } => {
                if let Some((index, sent)) = self.slots[s].busy.take() {
                    self.task_ended(s, index);
                    self.ctx.progress.task_done();
                    self.message_ms.push((self.ctx.clock.now_ms() - sent) - record.duration_ms());
                    self.outcomes[index] = Some((value, record));
                }
                self.send_next(s, &mut out);
            }
            FromWorker::Failed { error, .. } | FromWorker::Panicked { error } => {
                return self.crashed(s, generation, error)
            }
            FromWorker::Ready { .. }
            | FromWorker::PoolFailed { .. }
            | FromWorker::ModeDone { .. }
            | FromWorker::Finished { .. }
            | FromWorker::Picture { .. } => {
                return self.crashed(s, generation, "a message only the compute worker sends".into())
            }
        }
        self.broker.flush(&mut out);
        out
    }

    /// The worker in `slot` died: its task fails, a new worker is to take
    /// its place (see [`Scheduler::replacement`]), the others carry on.
    pub fn crashed(&mut self, s: usize, generation: u32, why: String) -> Outbox {
        if self.slots[s].generation != generation {
            return Vec::new();
        }
        if let Some((index, sent)) = self.slots[s].busy.take() {
            self.task_ended(s, index);
            self.ctx.progress.task_done();
            let record = TaskRecord {
                index,
                label: self.ctx.workload.task_label(index),
                worker: s as u32,
                start_ms: sent - self.t0,
                end_ms: self.ctx.clock.now_ms() - self.t0,
                result: String::new(),
                error: Some(why.clone()),
            };
            self.outcomes[index] = Some((None, record));
        }
        // Later events of this worker are stale from now on, and it is
        // not kept for the next run.
        let now = self.ctx.clock.now_ms();
        let slot = &mut self.slots[s];
        slot.generation = slot.generation.wrapping_add(1);
        slot.ready = false;
        slot.created_ms = now;
        let generation = slot.generation;
        let mut out = Vec::new();
        if self.replaced + self.replace.len() < REPLACEMENTS_PER_SLOT * self.slots.len() {
            self.replace.push_back((s, generation));
        } else if self.slots.iter().all(|slot| !slot.ready) {
            // Workers keep dying before they work: end the run with why.
            while self.next < self.outcomes.len() {
                let index = self.next;
                self.next += 1;
                let now = self.ctx.clock.now_ms() - self.t0;
                let record = TaskRecord {
                    index,
                    label: self.ctx.workload.task_label(index),
                    worker: s as u32,
                    start_ms: now,
                    end_ms: now,
                    result: String::new(),
                    error: Some(format!("not run: no worker could start ({why})")),
                };
                self.task_ended(s, index);
                self.ctx.progress.task_done();
                self.outcomes[index] = Some((None, record));
            }
        }
        self.broker.flush(&mut out);
        out
    }

    /// The run's outcomes and figures.
    ///
    /// # Panics
    /// Before [`Scheduler::is_done`].
    pub fn report(self) -> IsolatedReport {
        let mean = |v: &[f64]| if v.is_empty() { 0.0 } else { v.iter().sum::<f64>() / v.len() as f64 };
        IsolatedReport {
            tasks: self.outcomes.into_iter().map(|o| o.expect("every task has an outcome")).collect(),
            // A task's messaging time is skewed (a few wait behind the
            // browser's other work): the median is a typical round trip.
            message_ms: median(&self.message_ms).unwrap_or(0.0),
            startup_ms: mean(&self.startup_ms),
            replaced: self.replaced,
            reused: self.reused,
            items_passed: self.broker.passed,
        }
    }
}

/// A worker's copy of the run `setup` describes: the workload built anew
/// from its parameters, with the cells shared on purpose, if any. A
/// workload that exchanges items is told that it is one copy of several.
///
/// # Errors
/// The workload or its parameters are unknown here.
pub fn worker_setup(
    setup: &TaskSetup,
    clock: Arc<dyn Clock + Send>,
    io: Arc<dyn BlockingIo>,
    cells: Option<Arc<dyn SharedCells>>,
) -> Result<RunContext, ExecError> {
    let ctx = RunContext::build(&setup.workload, &setup.params, 1, 0.0, setup.panic_task, clock, io)?;
    let traits = ctx.workload.traits();
    if let (Some(uses), Some(cells)) = (traits.cells, cells) {
        uses.share(cells);
    }
    if let Some(exchange) = traits.exchange {
        exchange.separate();
    }
    Ok(ctx)
}

/// A worker runs task `index` of its copy: the items the task put for
/// other workers leave first, each its own message, then its outcome.
pub async fn worker_task(ctx: &RunContext, host: &dyn Host, index: usize, slot: u32, t0: f64) -> Vec<FromWorker> {
    let (value, record) = one_task(ctx, host, index, slot, t0).await;
    let items = ctx.workload.traits().exchange.map(|e| e.take_items()).unwrap_or_default();
    let mut out: Vec<FromWorker> = items.into_iter().map(|item| FromWorker::Put { item }).collect();
    out.push(FromWorker::TaskDone { value, record });
    out
}
