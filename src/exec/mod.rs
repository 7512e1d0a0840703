//! Execution modes: one [`Executor`] per mode, one file each, chosen in one
//! `match` ([`executor`]). Every mode yields the same [`RunRecord`], checked
//! against the workload's reference answer, so the page treats all modes
//! alike.
//!
//! Executors are async so that the modes that wait for the browser (a new
//! thread, a message, a turn of the event loop) and the ones that just
//! compute share one trait. What a mode needs from the browser comes through
//! the small [`Host`] trait: `platform` implements it with Web Workers and
//! the event loop, the host tests with std threads.

mod asynchronous;
mod coop;
mod gil;
pub mod isolated;
mod main_thread;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
mod pool;
mod sequential;
mod spawn;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::core::mode::Mode;
use crate::core::run::clock::Clock;
use crate::core::run::record::{Metric, RunRecord, TaskRecord};
use crate::core::workload::io::{BlockingIo, Io, IoError};
use crate::core::workload::{self, Params, Reference, SetupError, Workload};

/// A boxed future that stays on its thread (browser futures are `!Send`).
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A started thread's end: `Err` if it died.
pub type Join = LocalFuture<'static, Result<(), ExecError>>;

/// Why a mode's run, or one of its tasks, failed. The page shows it in
/// words (`Display`) and the result document keeps those words.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecError {
    /// No workload has this id.
    UnknownWorkload(String),
    /// The workload refused its parameters.
    Setup(SetupError),
    /// Thread per task would start more threads than it may.
    TooManyThreads { tasks: usize, max: usize },
    /// Too much for the page's own thread, which freezes while it runs.
    TooMuchForThePage(String),
    /// A task's IO failed or brought wrong bytes.
    Io(IoError),
    /// The browser (or the OS) could not start or keep a thread or a
    /// worker, in its words.
    Platform(String),
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecError::UnknownWorkload(id) => write!(f, "unknown workload {id:?}"),
            ExecError::Setup(e) => e.fmt(f),
            ExecError::TooManyThreads { tasks, max } => write!(
                f,
                "{tasks} tasks would start {tasks} threads; thread per task is limited to {max}. \
                 A thread per task does not scale: use the pool"
            ),
            ExecError::TooMuchForThePage(why) => write!(f, "not run on the main thread: {why}"),
            ExecError::Io(e) => e.fmt(f),
            ExecError::Platform(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ExecError {}

impl From<IoError> for ExecError {
    fn from(e: IoError) -> Self {
        ExecError::Io(e)
    }
}

impl From<SetupError> for ExecError {
    fn from(e: SetupError) -> Self {
        ExecError::Setup(e)
    }
}

/// What the modes need from the place they run in.
pub trait Host {
    /// Resolves after the event loop has had a turn.
    fn yield_now(&self) -> LocalFuture<'static, ()>;
    /// Resolves after `ms`, without blocking the thread (a timer).
    fn sleep(&self, ms: f64) -> LocalFuture<'static, ()>;
    /// Starts `job` on a fresh thread that shares this memory and resolves
    /// once the thread runs, like Python's `Thread.start()`, which returns
    /// when the new thread has started; the [`Join`] it gives then resolves
    /// when the job has returned (`join()`).
    ///
    /// # Errors
    /// The thread could not be started (or its join: it died).
    fn spawn_thread(&self, job: Box<dyn FnOnce() + Send>) -> LocalFuture<'static, Result<Join, ExecError>>;
    /// Runs every task of `ctx` on `ctx.workers` isolated instances (own
    /// memory, tasks and results by message).
    fn run_isolated(&self, ctx: &RunContext, t0: f64) -> LocalFuture<'static, Result<IsolatedReport, ExecError>>;
    /// Performs `io` without blocking the thread; resolves to the bytes
    /// moved and checked.
    fn io(&self, ctx: &RunContext, io: &Io) -> LocalFuture<'static, Result<u64, IoError>>;
}

/// Hears of each task as it finishes, on whatever thread ran it (the
/// page shows tasks done while a mode runs). Must not block.
pub trait TaskProgress: Send + Sync {
    fn task_done(&self);
}

/// For runs nobody watches.
pub struct NoProgress;

impl TaskProgress for NoProgress {
    fn task_done(&self) {}
}

/// What isolated workers report back.
#[derive(Debug, Clone, PartialEq)]
pub struct IsolatedReport {
    pub tasks: Vec<Outcome>,
    /// Median time a task spent in messages (dispatch to result, minus the
    /// task's own run time), in ms: one round trip.
    pub message_ms: f64,
    /// Mean start-up of one worker (created to ready), in ms.
    pub startup_ms: f64,
    /// Workers replaced after a crash.
    pub replaced: usize,
    /// Workers left by an earlier run, reused (no start-up).
    pub reused: usize,
    /// Items passed from worker to worker by message (a queue).
    pub items_passed: usize,
}

/// One task's value (none if it failed) and record.
pub type Outcome = (Option<u64>, TaskRecord);

/// Everything one mode's run needs.
#[derive(Clone)]
pub struct RunContext {
    pub workload_id: String,
    pub params: Params,
    pub workload: Arc<dyn Workload>,
    pub clock: Arc<dyn Clock + Send>,
    /// IO for the threads that block on it (see [`timed_task`]).
    pub io: Arc<dyn BlockingIo>,
    /// Threads or workers for the modes that use several.
    pub workers: u32,
    /// GIL switch interval.
    pub switch_ms: f64,
    /// Make this task panic (to show what a crash does in each mode).
    pub panic_task: Option<usize>,
    /// Told of every finished task.
    pub progress: Arc<dyn TaskProgress>,
}

impl RunContext {
    /// The context for a run of catalogue workload `id` with `params`.
    ///
    /// # Errors
    /// Unknown workload, or parameters it rejects, in words for the page.
    pub fn build(
        id: &str,
        params: &Params,
        workers: u32,
        switch_ms: f64,
        panic_task: Option<usize>,
        clock: Arc<dyn Clock + Send>,
        io: Arc<dyn BlockingIo>,
    ) -> Result<RunContext, ExecError> {
        let spec = crate::core::workload::find(id).ok_or_else(|| ExecError::UnknownWorkload(id.to_string()))?;
        let (work, _) = (spec.build)(params)?;
        Ok(RunContext {
            workload_id: id.to_string(),
            params: params.clone(),
            workload: Arc::from(work),
            clock,
            io,
            workers,
            switch_ms,
            panic_task,
            progress: Arc::new(NoProgress),
        })
    }

    /// The same context, reporting finished tasks to `progress`.
    pub fn with_progress(self, progress: Arc<dyn TaskProgress>) -> RunContext {
        RunContext { progress, ..self }
    }
}

/// Runs all tasks of a workload and reports each one.
pub trait Executor {
    /// Threads that may run tasks.
    fn threads(&self, ctx: &RunContext) -> u32;
    /// Runs every task; outcomes in task order, times relative to `t0`.
    fn run<'a>(&'a self, ctx: &'a RunContext, host: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, ExecError>>;
}

/// What an executor returns: its tasks and its own figures.
#[derive(Debug, Default)]
pub struct Run {
    pub tasks: Vec<Outcome>,
    pub metrics: BTreeMap<Metric, f64>,
}

impl From<Vec<Outcome>> for Run {
    fn from(tasks: Vec<Outcome>) -> Run {
        Run { tasks, metrics: BTreeMap::new() }
    }
}

/// The executor for `mode`: the one place a mode is chosen.
pub fn executor(mode: Mode) -> Box<dyn Executor> {
    match mode {
        Mode::Sequential => Box::new(sequential::Sequential),
        Mode::Main => Box::new(main_thread::MainThread),
        Mode::Spawn => Box::new(spawn::ThreadPerTask),
        Mode::Pool => Box::new(pool::Pool),
        Mode::Gil => Box::new(gil::GilPool),
        Mode::Isolated => Box::new(isolated::Isolated),
        Mode::Async => Box::new(asynchronous::Async),
        Mode::Coop => Box::new(coop::Cooperative),
    }
}

/// Runs the workload in `mode`, times it and checks its answer against
/// `reference`, or, without one, against `baseline` (Sequential's answer).
pub async fn run_mode(
    mode: Mode,
    ctx: &RunContext,
    host: &dyn Host,
    reference: Option<&Reference>,
    baseline: Option<&str>,
) -> RunRecord {
    let exec = executor(mode);
    if let Some(why) = workload::unsupported(&*ctx.workload, mode) {
        return RunRecord {
            mode,
            threads: 0,
            wall_ms: 0.0,
            result: format!("not run: {why}"),
            correct: None,
            checked_against: "nothing: the mode does not apply".into(),
            tasks: Vec::new(),
            failures: 0,
            metrics: BTreeMap::new(),
            responsiveness: None,
            checked_here: false,
        };
    }
    // No known answer and no Sequential run to compare with: compute the
    // sequential answer here, outside the timing, so every run is checked.
    let own_baseline;
    let baseline = match (reference, baseline) {
        (None, None) if mode != Mode::Sequential => {
            let values: Vec<u64> = (0..ctx.workload.task_count()).map(|i| ctx.workload.run_task(i)).collect();
            own_baseline = ctx.workload.answer(&values);
            Some(own_baseline.as_str())
        }
        _ => baseline,
    };
    let t0 = ctx.clock.now_ms();
    let outcome = exec.run(ctx, host, t0).await;
    let wall_ms = ctx.clock.now_ms() - t0;
    let threads = exec.threads(ctx);
    let mut run = match outcome {
        Ok(run) => run,
        Err(error) => {
            return RunRecord {
                mode,
                threads,
                wall_ms,
                result: format!("failed: {error}"),
                correct: Some(false),
                checked_against: "nothing: the run failed".into(),
                tasks: Vec::new(),
                failures: ctx.workload.task_count(),
                metrics: BTreeMap::new(),
                responsiveness: None,
                checked_here: false,
            }
        }
    };
    if let Some(items) = ctx.workload.traits().exchange.map(|e| e.items_passed()).filter(|&n| n > 0) {
        run.metrics.insert(Metric::UsPerItem, wall_ms * 1e3 / items as f64);
    }
    let failures = run.tasks.iter().filter(|(v, _)| v.is_none()).count();
    let values: Option<Vec<u64>> = run.tasks.iter().map(|(v, _)| *v).collect();
    let result = match &values {
        Some(values) => ctx.workload.answer(values),
        None => {
            let mut result = format!("incomplete: {failures} of {} tasks failed", run.tasks.len());
            if let Some(error) = run.tasks.iter().find_map(|(_, t)| t.error.as_deref()) {
                let error: String = error.chars().take(300).collect();
                result.push_str(&format!(" (the first: {error})"));
            }
            result
        }
    };
    let (correct, checked_against) = match (reference, baseline) {
        (Some(r), _) => {
            (Some(values.is_some() && workload::is_correct(&*ctx.workload, &result, r)), r.source.to_string())
        }
        (None, Some(b)) => (Some(b == result), "sequential run".to_string()),
        (None, None) if mode == Mode::Sequential => (None, "nothing: Sequential is the reference".to_string()),
        _ => (None, "nothing".to_string()),
    };
    RunRecord {
        mode,
        threads,
        wall_ms,
        result,
        correct,
        checked_against,
        tasks: run.tasks.into_iter().map(|(_, t)| t).collect(),
        failures,
        metrics: run.metrics,
        responsiveness: None,
        checked_here: false,
    }
}

/// The record of task `index`, started at `start` (times relative to
/// `t0`), made as it ends: the task counts as done.
fn record(ctx: &RunContext, index: usize, worker: u32, start: f64, t0: f64) -> TaskRecord {
    ctx.progress.task_done();
    TaskRecord {
        index,
        label: ctx.workload.task_label(index),
        worker,
        start_ms: start - t0,
        end_ms: ctx.clock.now_ms() - t0,
        result: String::new(),
        error: None,
    }
}

/// The injected panic, if task `index` is the one.
fn maybe_panic(ctx: &RunContext, index: usize) {
    if ctx.panic_task == Some(index) {
        panic!("task {index} panicked (injected with panic={index})");
    }
}

/// Runs task `index` whole on the calling thread and records it (also used
/// by isolated workers, one task at a time). Its wait and its IO block the
/// thread, like `time.sleep` and `requests.get`: only for threads that may
/// block (workers).
pub fn timed_task(ctx: &RunContext, index: usize, worker: u32, t0: f64) -> Outcome {
    let start = ctx.clock.now_ms();
    maybe_panic(ctx, index);
    block_for(wait_ms(ctx, index));
    let value = blocking_value(ctx, index);
    finish_task(ctx, index, worker, start, t0, value)
}

/// Runs task `index` on the calling thread, awaiting its wait and IO on
/// the event loop (`await asyncio.sleep`, an awaited download).
pub async fn awaited_task(ctx: &RunContext, host: &dyn Host, index: usize, worker: u32, t0: f64) -> Outcome {
    let start = ctx.clock.now_ms();
    match wait_ms(ctx, index) {
        ms if ms > 0.0 => host.sleep(ms).await,
        _ => {}
    }
    maybe_panic(ctx, index);
    let value = match task_io(ctx, index) {
        Some(io) => host.io(ctx, &io).await.map_err(ExecError::Io),
        None => loop {
            if let Some(value) = step(ctx, index) {
                break Ok(value);
            }
            // Waiting for other tasks: let the event loop run them (or
            // deliver the items they sent).
            host.yield_now().await;
        },
    };
    finish_task(ctx, index, worker, start, t0, value)
}

/// Runs task `index` whole on a thread that may block, awaiting only what
/// cannot be blocked on: IO with promises only (files), and items that
/// arrive by message (a consumer in an isolated worker).
pub async fn one_task(ctx: &RunContext, host: &dyn Host, index: usize, worker: u32, t0: f64) -> Outcome {
    if task_io(ctx, index).is_some_and(|io| io.needs_event_loop()) || takes_items(ctx, index) {
        awaited_task(ctx, host, index, worker, t0).await
    } else {
        timed_task(ctx, index, worker, t0)
    }
}

/// Task `index`'s value on a thread that may block: its IO's, if it has
/// one, else its work's.
fn blocking_value(ctx: &RunContext, index: usize) -> Result<u64, ExecError> {
    match task_io(ctx, index) {
        Some(io) => Ok(ctx.io.perform(&io)?),
        None => Ok(stepped(ctx, index, wait_for_others)),
    }
}

/// Task `index`'s work, step by step, calling `wait` (normally
/// [`wait_for_others`]) after each step that waits for other tasks.
fn stepped(ctx: &RunContext, index: usize, mut wait: impl FnMut()) -> u64 {
    loop {
        if let Some(value) = step(ctx, index) {
            return value;
        }
        wait();
    }
}

/// Lets other tasks run while this one waits for them: on a pool thread,
/// run one of the pool's pending tasks here (so consumers that wait
/// cannot hold every thread while producers queue); elsewhere, yield.
fn wait_for_others() {
    if !matches!(rayon::yield_now(), Some(rayon::Yield::Executed)) {
        std::thread::yield_now();
    }
}

/// Records task `index` with its value, or the error that stopped it.
fn finish_task(
    ctx: &RunContext,
    index: usize,
    worker: u32,
    start: f64,
    t0: f64,
    value: Result<u64, ExecError>,
) -> Outcome {
    let mut rec = record(ctx, index, worker, start, t0);
    match value {
        Ok(value) => {
            rec.result = task_result(ctx, index, value);
            (Some(value), rec)
        }
        Err(error) => {
            rec.error = Some(error.to_string());
            (None, rec)
        }
    }
}

/// How long task `index` waits before its work, in ms (0: it does not).
fn wait_ms(ctx: &RunContext, index: usize) -> f64 {
    ctx.workload.traits().waits.map_or(0.0, |w| w.wait_ms(index))
}

/// The real IO task `index` does after its wait, if any.
fn task_io(ctx: &RunContext, index: usize) -> Option<Io> {
    ctx.workload.traits().io.map(|io| io.io(index))
}

/// One step of task `index`: `None` while it waits for other tasks (only
/// tasks that exchange items do); other tasks are done in one.
fn step(ctx: &RunContext, index: usize) -> Option<u64> {
    match ctx.workload.traits().exchange {
        Some(exchange) => exchange.step(index),
        None => Some(ctx.workload.run_task(index)),
    }
}

/// Whether task `index` takes items other tasks put.
fn takes_items(ctx: &RunContext, index: usize) -> bool {
    ctx.workload.traits().exchange.is_some_and(|e| e.takes_items(index))
}

/// Task `index`'s value in words, for the task table.
fn task_result(ctx: &RunContext, index: usize, value: u64) -> String {
    match ctx.workload.traits().exchange {
        Some(exchange) => exchange.task_result(index, value),
        None => value.to_string(),
    }
}

/// The slices task `index` runs in, and the workload that runs them
/// (`None`: it runs whole).
fn sliced(ctx: &RunContext, index: usize) -> Option<(&dyn crate::core::workload::Sliced, usize)> {
    ctx.workload.traits().sliced.map(|s| (s, s.slice_count(index)))
}

/// Blocks this thread for `ms` (an atomic wait on wasm: workers only).
fn block_for(ms: f64) {
    if ms > 0.0 {
        std::thread::sleep(std::time::Duration::from_secs_f64(ms / 1e3));
    }
}

/// Waits for all futures, polling them together (like `asyncio.gather`):
/// `futures`' `join_all`, which polls only the futures that were woken.
pub fn join_all<'a, T: 'a>(futures: Vec<LocalFuture<'a, T>>) -> LocalFuture<'a, Vec<T>> {
    Box::pin(futures::future::join_all(futures))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests;
