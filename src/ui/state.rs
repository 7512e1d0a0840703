//! The page's whole state and its one reducer. Pure: no browser, no Yew,
//! so every transition is tested on the host. `app.rs` wires it to Yew's
//! `use_reducer` and turns worker events into [`Action`]s.

use std::rc::Rc;
use std::sync::Arc;

use crate::core::lesson::{self, judge, Lesson, LessonStamp, Outcome, Verdict};
use crate::core::mode::normalise_modes;
use crate::core::mode::Mode;
use crate::core::run::document::{EnvInfo, PoolInfo, ResultDoc, RESULT_VERSION};
use crate::core::run::record::{Responsiveness, RunRecord};
use crate::core::run::stats::{self, Measured, PlanStep};
use crate::core::session::protocol::RunRequest;
use crate::core::session::setup::{worker_range, Setup};
use crate::core::session::share;
use crate::core::workload::{self, Params, Picture};

#[derive(Debug, Clone, PartialEq)]
pub enum PoolStatus {
    /// Shared memory is not available here; the reason, for the page.
    Unavailable(String),
    Starting {
        threads: u32,
    },
    Ready(PoolInfo),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunStatus {
    Idle,
    Running(Box<Progress>),
    /// Finished, or cancelled with what finished before (`doc.cancelled`).
    /// Shared, not copied: it may hold hundreds of thousands of tasks.
    Done(Rc<ResultDoc>),
    Error(String),
}

/// A run in progress: the steps of its plan (each one mode at one worker
/// count) run one at a time, in order; after each, the page's
/// responsiveness during it is measured, then the next starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// What was asked; each step runs a copy with its mode and workers.
    pub request: RunRequest,
    /// The setup's worker count (a sweep also runs the others).
    pub workers: u32,
    pub setup: Setup,
    pub plan: Vec<PlanStep>,
    /// One per finished step, in plan order.
    pub done: Vec<Measured>,
    /// When the step running now started (page clock, ms).
    pub current: Option<f64>,
    /// When the last finished step started and ended, for the meter.
    pub last_span: Option<(f64, f64)>,
    /// When Run was pressed, and the latest tick (page clock, ms).
    pub started_at: f64,
    pub now: f64,
    /// Tasks of the current step done so far, and per step.
    pub tasks_done: usize,
    pub tasks_per_step: usize,
    /// Ticked modes that cannot run here, and why (the pool could not
    /// start): the document lists them as not run.
    pub not_run: Option<(Vec<Mode>, String)>,
}

/// What the page must do next for a run in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Start step `index` of the plan (on the page or in the compute worker).
    Start { index: usize, step: PlanStep },
    /// Measure the page's main thread during the span of the last step.
    Measure { start: f64, end: f64 },
    /// Every step is done and measured.
    Finish,
}

impl Progress {
    pub fn next_step(&self) -> Option<Step> {
        if self.current.is_some() {
            return None;
        }
        if let (Some(last), Some((start, end))) = (self.done.last(), self.last_span) {
            if last.run.responsiveness.is_none() {
                return Some(Step::Measure { start, end });
            }
        }
        match self.plan.get(self.done.len()) {
            Some(&step) => Some(Step::Start { index: self.done.len(), step }),
            None => Some(Step::Finish),
        }
    }

    /// The step running now (or next), if any is left.
    pub fn current_step(&self) -> Option<PlanStep> {
        self.plan.get(self.done.len()).copied()
    }

    /// Sequential's answer, once it ran.
    pub fn baseline(&self) -> Option<String> {
        self.done.iter().find(|m| m.run.mode == Mode::Sequential).map(|m| m.run.result.clone())
    }

    /// The request for step `index` of this run.
    pub fn request_for(&self, index: usize) -> Option<RunRequest> {
        let step = self.plan.get(index)?;
        Some(RunRequest {
            modes: vec![step.mode],
            workers: step.workers,
            step: index,
            baseline: self.baseline(),
            ..self.request.clone()
        })
    }

    /// Tasks done in the whole run so far, and in all.
    pub fn tasks(&self) -> (usize, usize) {
        let total = self.tasks_per_step * self.plan.len();
        ((self.tasks_per_step * self.done.len() + self.tasks_done).min(total), total)
    }

    pub fn elapsed_ms(&self) -> f64 {
        (self.now - self.started_at).max(0.0)
    }
}

impl RunStatus {
    /// The `data-state` of `#spindle-result`.
    pub fn name(&self) -> &'static str {
        match self {
            RunStatus::Idle => "idle",
            RunStatus::Running(_) => "running",
            RunStatus::Done(_) => "done",
            RunStatus::Error(_) => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub setup: Setup,
    /// Messages about rejected input (URL or form), newest last.
    pub messages: Vec<String>,
    pub env: EnvInfo,
    pub pool: PoolStatus,
    pub run: RunStatus,
    /// The setup asked to run once the pool is ready (`autorun=1`).
    pub autorun_pending: bool,
    /// Whether this load is as isolated as it will be: isolated, or told by
    /// the service worker's loader that it will not reload the page. Until
    /// then autorun=1 waits (a page about to reload runs nothing).
    pub isolation_settled: bool,
    pub next_run_id: u64,
    /// The latest run's picture, for workloads that draw one.
    pub picture: Option<Rc<Picture>>,
    /// The workload and parameters of the picture shown or asked for: a run
    /// of the same setup keeps it (the same picture, not drawn again).
    picture_for: Option<(String, Params)>,
    /// A result opened from a share link: measured elsewhere.
    pub shared: Option<Rc<ResultDoc>>,
    /// The verdict of the lesson a shared result belongs to, judged here
    /// from the link's figures.
    pub shared_verdict: Option<Verdict>,
    /// The share link in the address, to read after the page is shown
    /// (reading may take a moment; the page is usable meanwhile).
    pub link_to_read: Option<String>,
    /// The latest share link made, and whether its tasks were left out.
    pub link: Option<share::Link>,
    /// "Copy link" was pressed: the link is being made.
    pub link_wanted: bool,
    /// The lesson open in the Lessons view (`?lesson=`), if any.
    pub lesson: Option<&'static Lesson>,
    /// The lesson being run, or run last: its parts' documents so far and,
    /// once every part ran (or the run stopped), its verdict.
    pub lesson_run: Option<LessonRun>,
    /// During a run, the result document of the steps done so far: built
    /// when a step ends, not at every tick, so the results are not redrawn
    /// 30 times a second while workers compete for the cores.
    so_far: Option<Rc<ResultDoc>>,
}

/// A lesson's run: one click on its Run button runs each of its parts in
/// turn (each a normal run), then judges them.
#[derive(Debug, Clone)]
pub struct LessonRun {
    pub lesson: &'static Lesson,
    /// The finished parts' documents, in part order.
    pub docs: Vec<Rc<ResultDoc>>,
    /// Set once every part ran, or the run stopped.
    pub verdict: Option<Verdict>,
}

/// Documents by identity (they may hold many tasks; props compare often).
impl PartialEq for LessonRun {
    fn eq(&self, other: &Self) -> bool {
        self.lesson == other.lesson
            && self.verdict == other.verdict
            && self.docs.len() == other.docs.len()
            && self.docs.iter().zip(&other.docs).all(|(a, b)| Rc::ptr_eq(a, b))
    }
}

impl LessonRun {
    fn new(lesson: &'static Lesson) -> LessonRun {
        LessonRun { lesson, docs: Vec::new(), verdict: None }
    }

    /// The part to run next, if any is left and no verdict is in.
    fn next_part(&self) -> Option<&'static lesson::Part> {
        self.verdict.is_none().then(|| self.lesson.parts.get(self.docs.len())).flatten()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    SetWorkload(String),
    SetParam {
        key: String,
        value: String,
    },
    SetWorkers(u32),
    ToggleMode(Mode),
    /// GIL switch interval from the form (text, validated here).
    SetSwitch(String),
    /// Task to panic from the form (text; empty for none).
    SetPanic(String),
    /// Measured repeats from the form (text, validated here).
    SetRepeat(String),
    SetWarmup(bool),
    SetSweep(bool),
    DismissMessages,
    PoolStarting {
        threads: u32,
    },
    PoolReady(PoolInfo),
    PoolFailed(String),
    /// Run (or "Run here") pressed at `at`: the setup as it is now becomes
    /// the run's plan.
    RunStarted {
        at: f64,
    },
    /// Step `index` of the plan started at `at` (page clock, ms).
    ModeStarted {
        id: u64,
        index: usize,
        at: f64,
    },
    /// The current step finished at `at`.
    ModeDone {
        id: u64,
        run: RunRecord,
        at: f64,
    },
    /// The page's main thread during the last step.
    ModeMeasured {
        id: u64,
        responsiveness: Responsiveness,
    },
    /// The compute worker crashed during the current step (a panic in the
    /// pool); it has been restarted, the run goes on with the next step.
    ModeCrashed {
        error: String,
        at: f64,
    },
    /// Tasks of step `step` done so far.
    TaskProgress {
        id: u64,
        step: usize,
        done: usize,
    },
    /// The page's clock while a run is in progress (elapsed time).
    Tick {
        at: f64,
    },
    /// "Run here" pressed on a shared result: its setup, run on this machine.
    RunHere {
        at: f64,
    },
    /// Cancel pressed: keep what finished, drop the step in flight.
    Cancel,
    RunFinished {
        id: u64,
    },
    RunFailed {
        id: Option<u64>,
        error: String,
    },
    /// The picture of `workload` with `params` was asked of the worker.
    PictureAsked {
        workload: String,
        params: Params,
    },
    Picture(Picture),
    /// "Copy link" pressed: make the link for the latest result.
    MakeLink,
    /// The link for the latest result, made (or not: the browser could
    /// not compress).
    LinkMade(Option<share::Link>),
    /// The share link in the address, read: its result, or why not.
    LinkRead(Result<Rc<ResultDoc>, String>),
    /// The page stays unisolated for this load (its service worker will
    /// not reload it), and why, if index.html's loader said.
    IsolationSettled(Option<String>),
    /// A lesson opened in the Lessons view (its first setup in the form),
    /// or the view closed (`None`).
    OpenLesson(Option<String>),
    /// The open lesson's Run pressed: its parts run one after another.
    RunLesson {
        at: f64,
    },
}

impl State {
    /// The state at page load: the setup from the URL's query and the
    /// messages about what in it was rejected; a shared result from its
    /// fragment (`#result=…`), or why it cannot be read.
    pub fn new(query: &str, fragment: &str, env: EnvInfo) -> State {
        let (mut setup, mut messages) = Setup::from_query(query, env.hardware_concurrency);
        let (lesson, lesson_message) = lesson_in(query);
        messages.extend(lesson_message);
        if let Some(l) = lesson {
            let (first, _) = Setup::from_query(l.parts[0].setup, env.hardware_concurrency);
            setup = Setup { autorun: setup.autorun, ..first };
        }
        let lesson_run = lesson.filter(|_| setup.autorun).map(LessonRun::new);
        let pool = if env.cross_origin_isolated {
            PoolStatus::Starting { threads: setup.workers }
        } else {
            PoolStatus::Unavailable(NOT_ISOLATED.into())
        };
        let fragment = fragment.trim_start_matches('#');
        let link_to_read = fragment.starts_with(share::FRAGMENT_KEY).then(|| fragment.to_string());
        let mut state = State {
            isolation_settled: env.cross_origin_isolated,
            setup,
            messages: Vec::new(),
            env,
            pool,
            run: RunStatus::Idle,
            autorun_pending: false,
            next_run_id: 1,
            picture: None,
            picture_for: None,
            so_far: None,
            shared: None,
            shared_verdict: None,
            link_to_read,
            link: None,
            link_wanted: false,
            lesson,
            lesson_run,
        };
        if state.setup.autorun {
            match state.unrunnable_modes() {
                None => state.autorun_pending = true,
                Some(why) => {
                    state.lesson_run = None;
                    messages.push(format!("autorun=1 ignored: {why}"));
                }
            }
        }
        state.messages = messages;
        state
    }

    pub fn is_running(&self) -> bool {
        matches!(self.run, RunStatus::Running(_))
    }

    pub fn progress(&self) -> Option<&Progress> {
        match &self.run {
            RunStatus::Running(p) => Some(p),
            _ => None,
        }
    }

    /// The result to show: the finished one, or what a run in progress has
    /// so far (its statistics; tasks and timelines come at the end).
    pub fn result(&self) -> Option<Rc<ResultDoc>> {
        match &self.run {
            RunStatus::Done(doc) => Some(doc.clone()),
            RunStatus::Running(_) => self.so_far.clone(),
            _ => None,
        }
    }

    /// The picture to ask for: the finished run's, unless it is shown or
    /// asked for already.
    pub fn picture_wanted(&self) -> Option<(String, Params)> {
        match &self.run {
            RunStatus::Done(doc) => {
                let key = (doc.workload.clone(), doc.params.clone());
                (self.picture_for.as_ref() != Some(&key)).then_some(key)
            }
            _ => None,
        }
    }

    /// Why some ticked modes cannot run here, if so.
    fn unrunnable_modes(&self) -> Option<String> {
        let blocked: Vec<&str> = self.setup.modes.iter().filter(|m| m.needs_isolation()).map(|m| m.name()).collect();
        match &self.pool {
            // The page's own modes still run; the others are listed as not run.
            PoolStatus::Unavailable(why) if blocked.len() == self.setup.modes.len() && !blocked.is_empty() => {
                Some(format!("{} need(s) the compute worker. {why}", blocked.join(", ")))
            }
            PoolStatus::Failed(why) if blocked.len() == self.setup.modes.len() && !blocked.is_empty() => {
                Some(format!("The compute worker failed: {why}. Reload the page to try again."))
            }
            _ => None,
        }
    }

    /// Why Run is disabled, if it is.
    pub fn cannot_run(&self) -> Option<String> {
        if self.is_running() {
            return Some("A run is in progress.".into());
        }
        if self.setup.modes.is_empty() {
            return Some("Tick at least one mode.".into());
        }
        self.unrunnable_modes()
    }

    /// The request Run sends now (each step runs a copy of it).
    pub fn run_request(&self) -> RunRequest {
        RunRequest {
            id: self.next_run_id,
            workload: self.setup.workload.id.to_string(),
            params: self.setup.params.clone(),
            modes: self.setup.modes.clone(),
            workers: self.setup.workers,
            switch_ms: self.setup.switch_ms as f64,
            panic_task: self.setup.panic_task,
            baseline: None,
            step: 0,
        }
    }

    /// The steps Run makes now.
    pub fn run_plan(&self) -> Vec<PlanStep> {
        let sweep_to = self.setup.sweep.then(|| *worker_range(self.env.hardware_concurrency).end());
        let (modes, _) = self.runnable_modes();
        stats::plan(&modes, self.setup.workers, self.setup.repeat, self.setup.warmup, sweep_to)
    }

    /// The ticked modes that can run here, and the others with why not:
    /// without shared memory, or when the compute worker failed, only the
    /// page's own modes run.
    fn runnable_modes(&self) -> (Vec<Mode>, Option<(Vec<Mode>, String)>) {
        let why = match &self.pool {
            PoolStatus::Failed(why) => format!("the thread pool could not start here ({why})"),
            PoolStatus::Unavailable(_) => NOT_RUN_UNISOLATED.to_string(),
            _ => return (self.setup.modes.clone(), None),
        };
        let (blocked, runnable): (Vec<Mode>, Vec<Mode>) = self.setup.modes.iter().partition(|m| m.needs_isolation());
        (runnable, (!blocked.is_empty()).then_some((blocked, why)))
    }

    /// A finished document for a run whose modes all could not run.
    fn nothing_runs(&self) -> Option<ResultDoc> {
        let (runnable, not_run) = self.runnable_modes();
        if !runnable.is_empty() {
            return None;
        }
        let progress = Progress {
            request: self.run_request(),
            workers: self.setup.workers,
            setup: self.setup.clone(),
            plan: Vec::new(),
            done: Vec::new(),
            current: None,
            last_span: None,
            started_at: 0.0,
            now: 0.0,
            tasks_done: 0,
            tasks_per_step: 0,
            not_run,
        };
        Some(self.document(&progress, false))
    }

    pub fn pool_info(&self) -> Option<PoolInfo> {
        match self.pool {
            PoolStatus::Ready(info) => Some(info),
            _ => None,
        }
    }

    /// The run in progress, if `id` is its id.
    fn running(&mut self, id: u64) -> Option<&mut Progress> {
        match &mut self.run {
            RunStatus::Running(p) if p.request.id == id => Some(p),
            _ => None,
        }
    }

    /// The result document of a run from what it has measured: the latest
    /// run of each mode at the setup's worker count (measured repeats before
    /// the warm-up), statistics over the measured repeats, and for a sweep
    /// the fitted Amdahl curves.
    pub fn document(&self, p: &Progress, cancelled: bool) -> ResultDoc {
        self.document_with(p, cancelled, true)
    }

    /// [`State::document`], with or without the runs' per-task records.
    fn document_with(&self, p: &Progress, cancelled: bool, tasks: bool) -> ResultDoc {
        let latest = |mode: Mode| {
            let of_mode = || p.done.iter().rev().filter(move |m| m.step.mode == mode);
            of_mode()
                .find(|m| m.step.workers == p.workers && !m.step.warmup)
                .or_else(|| of_mode().find(|m| m.step.workers == p.workers))
                .or_else(|| of_mode().next())
                .map(|m| m.run.clone())
        };
        let stats = stats::summarise(&p.done);
        let amdahl = if p.setup.sweep { stats::fit_all(&stats, self.env.hardware_concurrency) } else { Vec::new() };
        ResultDoc {
            version: RESULT_VERSION,
            spindle: env!("CARGO_PKG_VERSION").to_string(),
            workload: p.request.workload.clone(),
            params: p.request.params.clone(),
            workers: p.workers,
            setup: p.setup.to_query_without_autorun(),
            repeat: p.setup.repeat,
            warmup: p.setup.warmup,
            sweep: p.setup.sweep,
            cancelled,
            env: self.env.clone(),
            pool: self.pool_info().filter(|info| info.threads == p.workers),
            runs: p
                .request
                .modes
                .iter()
                .filter_map(|&m| match &p.not_run {
                    Some((modes, why)) if modes.contains(&m) => Some(Arc::new(not_run(m, why))),
                    _ => latest(m),
                })
                .map(|run| if tasks { RunRecord::clone(&run) } else { run.without_tasks() })
                .collect(),
            stats,
            amdahl,
            lesson: None,
        }
    }

    /// The one reducer.
    pub fn apply(self, action: Action) -> State {
        // A tick or a task count changes nothing the results show.
        let same_results = matches!(action, Action::Tick { .. } | Action::TaskProgress { .. });
        let mut state = self.apply_one(action);
        state.follow_lesson();
        if !same_results {
            state.so_far = match &state.run {
                RunStatus::Running(p) if !p.done.is_empty() => Some(Rc::new(state.document_with(p, false, false))),
                _ => None,
            };
        }
        state
    }

    /// The address's query: the open lesson's id while the form holds one
    /// of its setups, else the setup itself.
    pub fn address(&self) -> String {
        let cores = self.env.hardware_concurrency;
        let here = self.setup.to_query_without_autorun();
        match self.lesson {
            Some(l) if l.parts.iter().any(|p| Setup::canonical(p.setup, cores) == here) => format!("lesson={}", l.id),
            _ => self.setup.to_query(),
        }
    }

    /// A lesson's run after each action: a finished part's document is
    /// kept and the next part set to run; after the last part, or a
    /// cancelled or failed run, the verdict, stamped on the result.
    fn follow_lesson(&mut self) {
        let cores = self.env.hardware_concurrency;
        let Some(lr) = self.lesson_run.as_mut() else { return };
        let Some(part) = lr.next_part() else { return };
        match &self.run {
            RunStatus::Done(doc)
                if !lr.docs.iter().any(|d| Rc::ptr_eq(d, doc))
                    && Setup::canonical(part.setup, cores) == Setup::canonical(&doc.setup, cores) =>
            {
                lr.docs.push(doc.clone());
                match lr.next_part() {
                    Some(next) if !doc.cancelled => {
                        let (setup, _) = Setup::from_query(next.setup, cores);
                        self.setup = setup;
                        self.autorun_pending = true;
                    }
                    _ => {
                        let docs: Vec<&ResultDoc> = lr.docs.iter().map(|d| &**d).collect();
                        let verdict = judge(lr.lesson, &docs);
                        lr.verdict = Some(verdict.clone());
                        let earlier = lr.docs[..lr.docs.len() - 1].iter().map(|d| d.without_tasks()).collect();
                        let stamp = LessonStamp { id: lr.lesson.id.to_string(), earlier, verdict: Some(verdict) };
                        self.run = RunStatus::Done(Rc::new(ResultDoc { lesson: Some(stamp), ..(**doc).clone() }));
                    }
                }
            }
            RunStatus::Error(error) => {
                lr.verdict = Some(Verdict {
                    outcome: Outcome::CannotShow,
                    reason: Some(format!("the run failed: {error}")),
                    lines: Vec::new(),
                });
            }
            _ => {}
        }
    }

    fn apply_one(mut self, action: Action) -> State {
        match action {
            Action::SetWorkload(id) => self.setup = self.setup.with_workload(&id),
            Action::SetParam { key, value } => {
                let (setup, message) = self.setup.with_param(&key, &value);
                self.setup = setup;
                self.messages.extend(message);
            }
            Action::SetWorkers(n) => {
                let range = worker_range(self.env.hardware_concurrency);
                if range.contains(&n) {
                    self.setup.workers = n;
                    self.setup.autorun = false;
                } else {
                    self.messages.push(format!(
                        "Worker count {n} is outside {} … {}; kept {}.",
                        range.start(),
                        range.end(),
                        self.setup.workers
                    ));
                }
            }
            Action::ToggleMode(mode) if workload::unsupported(&*self.setup.build(), mode).is_some() => {}
            Action::ToggleMode(mode) => {
                let mut modes = self.setup.modes.clone();
                if let Some(i) = modes.iter().position(|&m| m == mode) {
                    modes.remove(i);
                } else {
                    modes.push(mode);
                }
                self.setup.modes = normalise_modes(modes);
                self.setup.autorun = false;
            }
            Action::SetSwitch(text) => {
                let (setup, message) = self.setup.with_switch(&text);
                self.setup = setup;
                self.messages.extend(message);
            }
            Action::SetPanic(text) => {
                let (setup, message) = self.setup.with_panic(&text);
                self.setup = setup;
                self.messages.extend(message);
            }
            Action::SetRepeat(text) => {
                let (setup, message) = self.setup.with_repeat(&text);
                self.setup = setup;
                self.messages.extend(message);
            }
            Action::SetWarmup(on) => {
                self.setup.warmup = on;
                self.setup.autorun = false;
            }
            Action::SetSweep(on) => {
                self.setup.sweep = on;
                self.setup.autorun = false;
            }
            Action::DismissMessages => self.messages.clear(),
            Action::PoolStarting { threads } => {
                if !matches!(self.pool, PoolStatus::Unavailable(_)) {
                    self.pool = PoolStatus::Starting { threads };
                }
            }
            Action::PoolReady(info) => self.pool = PoolStatus::Ready(info),
            Action::PoolFailed(error) => {
                self.pool = PoolStatus::Failed(error.clone());
                if self.is_running() {
                    self.run = RunStatus::Error(format!("The compute worker failed: {error}"));
                } else if self.autorun_pending {
                    // autorun=1 completes with what can run; if nothing can,
                    // with every mode listed as not run, at once.
                    if let Some(doc) = self.nothing_runs() {
                        self.autorun_pending = false;
                        self.run = RunStatus::Done(Rc::new(doc));
                    }
                }
            }
            Action::PictureAsked { workload, params } => self.picture_for = Some((workload, params)),
            // Only the answer to a question still open (not one from before a new setup ran).
            Action::Picture(picture) if self.picture_for.is_some() => self.picture = Some(Rc::new(picture)),
            Action::Picture(_) => {}
            Action::RunStarted { at } if self.cannot_run().is_none() => {
                // A lesson's run goes on only with its next part.
                let cores = self.env.hardware_concurrency;
                if !self
                    .lesson_run
                    .as_ref()
                    .and_then(LessonRun::next_part)
                    .is_some_and(|part| Setup::canonical(part.setup, cores) == self.setup.to_query_without_autorun())
                {
                    self.lesson_run = None;
                }
                let request = self.run_request();
                let key = (request.workload.clone(), request.params.clone());
                if self.picture_for.as_ref() != Some(&key) {
                    self.picture = None;
                    self.picture_for = None;
                }
                self.link = None;
                self.next_run_id = request.id + 1;
                self.autorun_pending = false;
                self.run = RunStatus::Running(Box::new(Progress {
                    workers: self.setup.workers,
                    setup: self.setup.clone(),
                    plan: self.run_plan(),
                    request,
                    done: Vec::new(),
                    current: None,
                    last_span: None,
                    started_at: at,
                    now: at,
                    tasks_done: 0,
                    tasks_per_step: self.setup.build().task_count(),
                    not_run: self.runnable_modes().1,
                }));
            }
            Action::RunStarted { .. } => {}
            Action::RunHere { at } => {
                let lesson = self.shared.as_ref().and_then(|d| d.lesson.as_ref()).and_then(|s| lesson::find(&s.id));
                if let Some(l) = lesson {
                    self.lesson = Some(l);
                    return self.apply(Action::RunLesson { at });
                }
                if let Some(doc) = &self.shared {
                    let (setup, messages) = Setup::from_query(&doc.setup, self.env.hardware_concurrency);
                    self.messages.extend(messages.into_iter().map(|m| format!("Shared setup: {m}")));
                    self.setup = Setup { autorun: false, ..setup };
                }
                return self.apply(Action::RunStarted { at });
            }
            Action::ModeStarted { id, index, at } => {
                if let Some(p) = self.running(id).filter(|p| p.done.len() == index) {
                    p.current = Some(at);
                    p.tasks_done = 0;
                }
            }
            Action::ModeDone { id, run, at } => {
                if let Some(p) = self.running(id) {
                    match (p.current.take(), p.current_step()) {
                        (Some(start), Some(step)) if step.mode == run.mode => {
                            p.last_span = Some((start, at));
                            p.tasks_done = 0;
                            p.done.push(Measured { step, run: Arc::new(run) });
                        }
                        (current, _) => p.current = current,
                    }
                }
            }
            Action::ModeMeasured { id, responsiveness } => {
                if let Some(m) = self.running(id).and_then(|p| p.done.last_mut()) {
                    if m.run.responsiveness.is_none() {
                        Arc::make_mut(&mut m.run).responsiveness = Some(responsiveness);
                    }
                }
            }
            Action::ModeCrashed { error, at } => {
                if let RunStatus::Running(p) = &mut self.run {
                    if let (Some(start), Some(step)) = (p.current.take(), p.current_step()) {
                        p.last_span = Some((start, at));
                        let run = crashed_run(step, error, at - start);
                        p.done.push(Measured { step, run: Arc::new(run) });
                    }
                }
            }
            Action::TaskProgress { id, step, done } => {
                if let Some(p) = self.running(id).filter(|p| p.current.is_some() && p.done.len() == step) {
                    p.tasks_done = p.tasks_done.max(done);
                }
            }
            Action::Tick { at } => {
                if let RunStatus::Running(p) = &mut self.run {
                    p.now = p.now.max(at);
                }
            }
            Action::Cancel => {
                if let Some(p) = self.progress() {
                    let doc = self.document(p, true);
                    self.run = RunStatus::Done(Rc::new(doc));
                }
            }
            Action::RunFinished { id } => {
                if let Some(p) = self.progress().filter(|p| p.request.id == id) {
                    let doc = self.document(p, false);
                    self.run = RunStatus::Done(Rc::new(doc));
                }
            }
            Action::RunFailed { id, error } => {
                let ours = match (&self.run, id) {
                    (RunStatus::Running(p), Some(id)) => p.request.id == id,
                    (RunStatus::Running(_), None) => true,
                    _ => false,
                };
                if ours {
                    self.run = RunStatus::Error(error);
                } else {
                    self.messages.push(error);
                }
            }
            Action::MakeLink => {
                if let RunStatus::Done(_) = &self.run {
                    self.link = None;
                    self.link_wanted = true;
                }
            }
            Action::LinkMade(link) if self.link_wanted => {
                self.link_wanted = false;
                match link {
                    Some(link) => self.link = Some(link),
                    None => self.messages.push(
                        "This browser could not compress the link (share links need CompressionStream); \
                         Download JSON still saves the result."
                            .into(),
                    ),
                }
            }
            Action::LinkMade(_) => {}
            Action::IsolationSettled(why) => {
                self.isolation_settled = true;
                if let (PoolStatus::Unavailable(_), Some(why)) = (&self.pool, why) {
                    self.pool = PoolStatus::Unavailable(format!(
                        "{NOT_ISOLATED} {}",
                        why.chars().take(600).collect::<String>()
                    ));
                }
            }
            Action::OpenLesson(id) if !self.is_running() => match id.as_deref().map(lesson::find) {
                None => self.lesson = None,
                Some(None) => self.messages.push("No such lesson.".into()),
                Some(Some(l)) => {
                    let (setup, _) = Setup::from_query(l.parts[0].setup, self.env.hardware_concurrency);
                    self.setup = setup;
                    self.lesson = Some(l);
                    if self.lesson_run.as_ref().is_some_and(|r| r.lesson.id != l.id) {
                        // Another lesson: the one between its parts stops.
                        self.lesson_run = None;
                        self.autorun_pending = false;
                    }
                }
            },
            Action::OpenLesson(_) => {}
            Action::RunLesson { at } => {
                let Some(l) = self.lesson.filter(|_| !self.is_running()) else { return self };
                let (setup, _) = Setup::from_query(l.parts[0].setup, self.env.hardware_concurrency);
                self.setup = setup;
                let mut run = LessonRun::new(l);
                if let Some(why) = self.cannot_run() {
                    run.verdict = Some(Verdict { outcome: Outcome::CannotShow, reason: Some(why), lines: Vec::new() });
                    self.lesson_run = Some(run);
                    return self;
                }
                self.lesson_run = Some(run);
                return self.apply(Action::RunStarted { at });
            }
            Action::LinkRead(result) => {
                self.link_to_read = None;
                match result {
                    Ok(doc) => {
                        if let Some((l, parts)) = doc.lesson.as_ref().and_then(|s| s.parts(&doc)) {
                            self.lesson = Some(l);
                            self.shared_verdict = Some(judge(l, &parts));
                        }
                        self.shared = Some(doc);
                    }
                    Err(why) => self.messages.push(why),
                }
            }
        }
        self
    }
}

/// The lesson a query names (`lesson=`), or a message if it names none.
fn lesson_in(query: &str) -> (Option<&'static Lesson>, Option<String>) {
    let id = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .take(crate::core::session::setup::MAX_QUERY_PAIRS)
        .filter(|(k, _)| k == "lesson")
        .last()
        .map(|(_, v)| v.into_owned());
    let Some(id) = id else { return (None, None) };
    match lesson::find(id.trim()) {
        Some(l) => (Some(l), None),
        None => {
            let shown: String = id.chars().take(40).collect();
            let known: Vec<&str> = lesson::CATALOGUE.iter().map(|l| l.id).collect();
            (None, Some(format!("Unknown lesson {shown:?}; known: {}.", known.join(", "))))
        }
    }
}

/// The record of a mode that could not run here.
fn not_run(mode: Mode, why: &str) -> RunRecord {
    RunRecord {
        mode,
        threads: 0,
        wall_ms: 0.0,
        result: format!("not run: {why}"),
        correct: None,
        checked_against: "nothing: the mode did not run".into(),
        tasks: Vec::new(),
        failures: 0,
        metrics: Default::default(),
        responsiveness: None,
        checked_here: false,
    }
}

/// The record of a mode whose worker crashed: no tasks came back.
fn crashed_run(step: PlanStep, error: String, wall_ms: f64) -> RunRecord {
    RunRecord {
        mode: step.mode,
        threads: if step.mode.uses_workers() { step.workers } else { 1 },
        wall_ms,
        result: format!("crashed: {error}"),
        correct: Some(false),
        checked_against: "nothing: the shared memory's threads died; the compute worker was restarted".into(),
        tasks: Vec::new(),
        failures: 1,
        metrics: Default::default(),
        responsiveness: None,
        checked_here: false,
    }
}

pub const NOT_ISOLATED: &str = "Shared memory is unavailable: this page is not cross-origin isolated, \
    so the browser hides SharedArrayBuffer and WebAssembly threads. The server must send \
    `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`, \
    or the page's service worker adds them (see Hosting in the README). Main thread and \
    Cooperative still run on the page; the other modes are listed as not run.";

const NOT_RUN_UNISOLATED: &str = "shared memory is unavailable: the page is not cross-origin isolated";

#[cfg(test)]
mod tests {
    use super::*;

    fn env(isolated: bool) -> EnvInfo {
        EnvInfo {
            cross_origin_isolated: isolated,
            shared_array_buffer: isolated,
            hardware_concurrency: 2,
            user_agent: "test".into(),
        }
    }

    fn record(mode: Mode) -> RunRecord {
        RunRecord::checked(mode)
    }

    const FLUID: Responsiveness = Responsiveness { longest_gap_ms: 17.0, gaps_over_50ms: 0, sightings: 30 };

    fn started(query: &str) -> (State, u64) {
        let s = State::new(query, "", env(true));
        let id = s.next_run_id;
        (s.apply(Action::RunStarted { at: 0.0 }), id)
    }

    /// Runs every remaining step with `wall(step)` as its time.
    fn run_all(mut s: State, id: u64, wall: impl Fn(PlanStep) -> f64) -> State {
        let mut t = 0.0;
        loop {
            match s.progress().unwrap().next_step() {
                Some(Step::Start { index, step }) => {
                    s = s.apply(Action::ModeStarted { id, index, at: t });
                    assert_eq!(s.progress().unwrap().next_step(), None, "one step at a time");
                    // A stale message from another run changes nothing.
                    s = s.apply(Action::ModeDone { id: 999, run: record(step.mode), at: t + 5.0 });
                    let mut run = record(step.mode);
                    run.wall_ms = wall(step);
                    s = s.apply(Action::ModeDone { id, run, at: t + 10.0 });
                    assert_eq!(s.progress().unwrap().next_step(), Some(Step::Measure { start: t, end: t + 10.0 }));
                }
                Some(Step::Measure { .. }) => s = s.apply(Action::ModeMeasured { id, responsiveness: FLUID }),
                Some(Step::Finish) => return s.apply(Action::RunFinished { id }),
                None => panic!("stuck"),
            }
            t += 20.0;
        }
    }

    #[test]
    fn a_run_warms_up_repeats_then_finishes_with_statistics() {
        let s = State::new("workers=2&autorun=1&modes=sequential,main,pool", "", env(true));
        assert!(s.autorun_pending);
        assert_eq!(s.pool, PoolStatus::Starting { threads: 2 });
        let info = PoolInfo { threads: 2, startup_ms: 60.0, worker_ready_ms: 150.0 };
        let s = s.apply(Action::PoolReady(info));
        assert_eq!(s.cannot_run(), None);
        let id = s.next_run_id;
        let s = s.apply(Action::RunStarted { at: 0.0 });
        assert!(!s.autorun_pending);
        assert_eq!(s.run.name(), "running");
        assert!(s.cannot_run().is_some());
        assert_eq!(s.progress().unwrap().plan.len(), 3 * 4, "warm-up + 3 repeats of 3 modes");
        let s = run_all(s, id, |step| match (step.warmup, step.mode) {
            (true, _) => 500.0,
            (_, Mode::Pool) => 40.0,
            _ => 100.0,
        });
        let RunStatus::Done(doc) = &s.run else { panic!("not done: {:?}", s.run) };
        assert_eq!(doc.runs.len(), 3);
        assert!(doc.runs.iter().all(|r| r.responsiveness == Some(FLUID)));
        assert_eq!((doc.workers, doc.repeat, doc.warmup, doc.cancelled), (2, 3, true, false));
        assert_eq!(doc.pool, Some(info));
        assert_eq!(doc.workload, "primes");
        let pool = doc.stats_of(Mode::Pool).unwrap();
        assert_eq!((pool.walls_ms.len(), pool.median_ms, pool.warmup_ms), (3, 40.0, Some(500.0)));
        assert_eq!(pool.speedup, Some(2.5));
        assert_eq!(pool.efficiency, Some(2.5), "record() says 1 thread");
        assert!(doc.setup.contains("modes=sequential,main,pool") && !doc.setup.contains("autorun"));
        assert_eq!(s.next_run_id, id + 1);
    }

    #[test]
    fn a_sweep_runs_every_worker_count_and_fits_amdahl() {
        let (s, id) = started("modes=sequential,pool&sweep=1&repeat=1&warmup=0");
        let plan = &s.progress().unwrap().plan;
        assert_eq!(plan.iter().map(|p| p.workers).max(), Some(4), "1 … 2 × cores");
        assert_eq!(plan.len(), 8);
        let s = run_all(s, id, |step| match step.mode {
            Mode::Pool => 100.0 * (0.2 + 0.8 / f64::from(step.workers.min(2))),
            _ => 100.0,
        });
        let RunStatus::Done(doc) = &s.run else { panic!() };
        assert!(doc.sweep);
        assert_eq!(doc.stats.len(), 8);
        assert_eq!(doc.amdahl.len(), 1);
        assert!((doc.amdahl[0].serial_fraction - 0.2).abs() < 1e-6, "{:?}", doc.amdahl);
        assert_eq!(doc.runs.len(), 2, "latest run of each mode at the setup's count");
    }

    #[test]
    fn progress_counts_tasks_and_time_and_ignores_stale_reports() {
        let (s, id) = started("bounds=10,20,30&modes=sequential,pool&repeat=1&warmup=0");
        let s = s.apply(Action::ModeStarted { id, index: 0, at: 0.0 });
        let s = s.apply(Action::TaskProgress { id, step: 0, done: 2 });
        let s = s.apply(Action::TaskProgress { id, step: 1, done: 3 });
        let s = s.apply(Action::TaskProgress { id: 77, step: 0, done: 3 });
        let s = s.apply(Action::Tick { at: 150.0 });
        let p = s.progress().unwrap();
        assert_eq!(p.tasks(), (2, 6));
        assert_eq!(p.elapsed_ms(), 150.0);
        let s = s.apply(Action::ModeDone { id, run: record(Mode::Sequential), at: 160.0 });
        assert_eq!(s.progress().unwrap().tasks(), (3, 6));
    }

    #[test]
    fn the_results_so_far_are_built_when_a_step_ends_not_at_each_tick() {
        let (s, id) = started("modes=sequential,pool&repeat=1&warmup=0");
        let s = s.apply(Action::ModeStarted { id, index: 0, at: 0.0 });
        assert!(s.result().is_none(), "nothing done yet");
        let s = s.apply(Action::ModeDone { id, run: record(Mode::Sequential), at: 10.0 });
        let s = s.apply(Action::ModeMeasured { id, responsiveness: FLUID });
        let s = s.apply(Action::ModeStarted { id, index: 1, at: 20.0 });
        let before = s.result().expect("the sequential step so far");
        assert_eq!(before.runs.len(), 1);
        assert_eq!(before.runs[0].responsiveness, Some(FLUID), "measured after it ended");
        let s = s.apply(Action::Tick { at: 30.0 });
        let s = s.apply(Action::TaskProgress { id, step: 1, done: 2 });
        assert!(Rc::ptr_eq(&before, &s.result().unwrap()), "a tick must not rebuild the results");
        let s = s.apply(Action::ModeDone { id, run: record(Mode::Pool), at: 40.0 });
        assert_eq!(s.result().unwrap().runs.len(), 2, "rebuilt when the step ended");
        let s = s.apply(Action::ModeMeasured { id, responsiveness: FLUID });
        let s = s.apply(Action::RunFinished { id });
        let RunStatus::Done(doc) = &s.run else { panic!("the run ends after its last step") };
        assert_eq!(doc.runs.len(), 2);
        assert!(Rc::ptr_eq(doc, &s.result().unwrap()));
    }

    #[test]
    fn a_run_of_the_same_setup_keeps_its_picture_and_a_new_setup_asks_again() {
        let picture = || Picture { width: 2, height: 1, pixels: vec![0, 255] };
        let (s, id) = started("workload=mandelbrot&modes=sequential&repeat=1&warmup=0");
        let s = run_all(s, id, |_| 10.0);
        let (workload, params) = s.picture_wanted().expect("a finished run wants its picture");
        assert_eq!(workload, "mandelbrot");
        let s = s.apply(Action::PictureAsked { workload, params });
        assert_eq!(s.picture_wanted(), None, "asked once");
        let s = s.apply(Action::Picture(picture()));
        let shown = s.picture.clone().expect("shown");

        // The same setup again: the picture stays, and is not asked for again.
        let id = s.next_run_id;
        let s = s.apply(Action::RunStarted { at: 100.0 });
        assert!(Rc::ptr_eq(&shown, s.picture.as_ref().expect("kept during the run")));
        let s = run_all(s, id, |_| 10.0);
        assert_eq!(s.picture_wanted(), None);

        // Other parameters: the old picture goes, and a late answer to the
        // old question is not shown.
        let s = s.apply(Action::SetParam { key: "iters".into(), value: "100".into() });
        let id = s.next_run_id;
        let s = s.apply(Action::RunStarted { at: 200.0 });
        assert!(s.picture.is_none());
        let s = s.apply(Action::Picture(picture()));
        assert!(s.picture.is_none(), "a stale picture was shown");
        let s = run_all(s, id, |_| 10.0);
        assert!(s.picture_wanted().is_some_and(|(_, p)| p.get("iters").map(String::as_str) == Some("100")));
    }

    #[test]
    fn cancel_keeps_finished_steps_and_says_so() {
        let (s, id) = started("modes=sequential,pool&repeat=2&warmup=0");
        let s = s.apply(Action::ModeStarted { id, index: 0, at: 0.0 });
        let s = s.apply(Action::ModeDone { id, run: record(Mode::Sequential), at: 10.0 });
        let s = s.apply(Action::ModeMeasured { id, responsiveness: FLUID });
        let s = s.apply(Action::ModeStarted { id, index: 1, at: 20.0 });
        let s = s.apply(Action::Cancel);
        let RunStatus::Done(doc) = &s.run else { panic!() };
        assert!(doc.cancelled);
        assert_eq!(doc.runs.len(), 1);
        assert_eq!(doc.stats.len(), 1);
        assert!(doc.to_json().contains("\"cancelled\":true"));
        // The pool's answer, arriving late, changes nothing; Run works again.
        let s = s.apply(Action::ModeDone { id, run: record(Mode::Pool), at: 30.0 });
        assert_eq!(s.run.name(), "done");
        assert_eq!(s.cannot_run(), None);
        let s = s.apply(Action::MakeLink);
        assert!(s.link_wanted && s.link.is_none(), "the link is being made");
        let RunStatus::Done(doc) = &s.run else { panic!() };
        let made = share::encode(doc);
        let s = s.apply(Action::LinkMade(Some(made)));
        assert!(!s.link_wanted);
        assert!(s.link.as_ref().unwrap().fragment.starts_with("result="));
    }

    #[test]
    fn a_share_link_opens_as_a_shared_result_and_a_bad_one_says_why() {
        let (s, id) = started("modes=sequential,pool&repeat=1&warmup=0");
        let s = run_all(s, id, |_| 10.0);
        let RunStatus::Done(doc) = &s.run else { panic!() };
        let link = share::encode(doc);
        // The page is shown first; the link is read after (platform::share).
        let opened = State::new(&doc.setup, &format!("#{}", link.fragment), env(true));
        assert_eq!(opened.link_to_read.as_deref(), Some(link.fragment.as_str()));
        assert_eq!(opened.shared, None);
        let read = share::decode(&link.fragment).map(Rc::new).map_err(|e| e.to_string());
        let opened = opened.apply(Action::LinkRead(read));
        assert!(opened.messages.is_empty(), "{:?}", opened.messages);
        assert_eq!(opened.link_to_read, None);
        let shared = opened.shared.as_deref().unwrap();
        assert_eq!((&shared.setup, &shared.stats), (&doc.setup, &doc.stats));
        // The link says "1" was right; the page knows the sums and says not.
        assert!(doc.runs.iter().all(|r| r.correct == Some(true)));
        assert!(shared.runs.iter().all(|r| r.checked_here && r.correct == Some(false)), "{:?}", shared.runs);
        assert_eq!(opened.setup, Setup::from_query(&doc.setup, 2).0);
        let broken = State::new("", "#result=AQ-garbage", env(true));
        let read = share::decode(broken.link_to_read.as_deref().unwrap()).map(Rc::new).map_err(|e| e.to_string());
        let broken = broken.apply(Action::LinkRead(read));
        assert_eq!(broken.shared, None);
        assert!(broken.messages[0].contains("cannot be opened"), "{:?}", broken.messages);
        assert_eq!(State::new("", "#results", env(true)).link_to_read, None, "another anchor is not a link");
    }

    #[test]
    fn later_modes_are_checked_against_sequential() {
        let (s, id) = started("modes=sequential,pool&repeat=1&warmup=0");
        assert_eq!(s.progress().unwrap().request_for(0).unwrap().baseline, None);
        let s = s.apply(Action::ModeStarted { id, index: 0, at: 0.0 });
        let s = s.apply(Action::ModeDone { id, run: record(Mode::Sequential), at: 1.0 });
        let next = s.progress().unwrap().request_for(1).unwrap();
        assert_eq!((next.modes, next.baseline, next.step), (vec![Mode::Pool], Some("1".to_string()), 1));
    }

    #[test]
    fn a_crash_fails_the_mode_and_the_run_goes_on() {
        let (s, id) = started("modes=pool,isolated&panic=0&repeat=1&warmup=0");
        let s = s.apply(Action::ModeStarted { id, index: 0, at: 0.0 });
        let s = s.apply(Action::ModeCrashed { error: "panic: task 0".into(), at: 40.0 });
        let p = s.progress().unwrap();
        assert_eq!(p.done[0].run.correct, Some(false));
        assert!(p.done[0].run.result.contains("crashed"));
        assert_eq!(p.next_step(), Some(Step::Measure { start: 0.0, end: 40.0 }));
        let s = s.apply(Action::ModeMeasured { id, responsiveness: FLUID });
        assert!(matches!(s.progress().unwrap().next_step(), Some(Step::Start { index: 1, .. })));
    }

    #[test]
    fn without_isolation_only_the_page_modes_run() {
        let s = State::new("autorun=1", "", env(false));
        assert!(!s.autorun_pending);
        assert!(s.cannot_run().unwrap().contains("cross-origin isolated"));
        assert!(s.messages.iter().any(|m| m.contains("autorun")));
        let s = s.apply(Action::PoolStarting { threads: 2 });
        assert!(matches!(s.pool, PoolStatus::Unavailable(_)));
        let s = State::new("modes=main,coop&autorun=1", "", env(false));
        assert!(s.autorun_pending);
        assert_eq!(s.cannot_run(), None);
        // A mix: the page's modes run, the others are listed as not run.
        let s = State::new("modes=sequential,main,pool,coop&autorun=1", "", env(false));
        assert!(s.autorun_pending);
        assert_eq!(s.cannot_run(), None);
        let (runnable, not_run) = s.runnable_modes();
        assert_eq!(runnable, [Mode::Main, Mode::Coop]);
        assert_eq!(not_run.unwrap().0, [Mode::Sequential, Mode::Pool]);
        assert!(!s.isolation_settled);
        let s = s.apply(Action::IsolationSettled(Some("The browser refused the page's service worker.".into())));
        assert!(s.isolation_settled);
        match &s.pool {
            PoolStatus::Unavailable(why) => assert!(why.ends_with("The browser refused the page's service worker.")),
            other => panic!("{other:?}"),
        }
        let s = State::new("", "", env(false)).apply(Action::RunStarted { at: 0.0 });
        assert_eq!(s.run.name(), "idle", "Run refused when it cannot run");
    }

    /// A pool that cannot start (a browser that cannot share memory with
    /// a worker, a worker script that does not load): the page's own modes
    /// run, the others are listed as not run, and autorun=1 completes.
    #[test]
    fn when_the_pool_cannot_start_the_page_modes_run_and_the_others_say_why() {
        let s = State::new("modes=sequential,main,pool,coop&repeat=1&warmup=0&autorun=1", "", env(true));
        assert!(s.autorun_pending);
        let s = s.apply(Action::PoolFailed("The object can not be cloned.".into()));
        assert_eq!(s.cannot_run(), None, "the page's own modes can run");
        let id = s.next_run_id;
        let s = s.apply(Action::RunStarted { at: 0.0 });
        let modes: Vec<Mode> = s.progress().unwrap().plan.iter().map(|p| p.mode).collect();
        assert_eq!(modes, [Mode::Main, Mode::Coop]);
        let s = run_all(s, id, |_| 10.0);
        let RunStatus::Done(doc) = &s.run else { panic!("{:?}", s.run.name()) };
        let results: Vec<(Mode, &str)> = doc.runs.iter().map(|r| (r.mode, r.result.as_str())).collect();
        assert_eq!(results.len(), 4);
        for (mode, result) in results {
            if mode.needs_isolation() {
                assert!(result.starts_with("not run: the thread pool could not start here"), "{mode:?}: {result}");
            } else {
                assert_eq!(result, "1", "{mode:?}");
            }
        }

        // Nothing that can run: autorun=1 is done at once, every mode not run.
        let s = State::new("modes=sequential,pool&autorun=1", "", env(true)).apply(Action::PoolFailed("x".into()));
        assert!(s.cannot_run().is_some());
        let RunStatus::Done(doc) = &s.run else { panic!("{:?}", s.run.name()) };
        assert!(doc.runs.iter().all(|r| r.result.starts_with("not run")), "{:?}", doc.runs);
        assert_eq!(doc.runs.len(), 2);
    }

    #[test]
    fn a_failing_worker_ends_the_run_with_an_error() {
        let (s, _) = started("");
        let s = s.apply(Action::PoolFailed("boom".into()));
        assert_eq!(s.run.name(), "error");
        assert!(s.cannot_run().unwrap().contains("boom"));
    }

    #[test]
    fn form_actions_validate() {
        let s = State::new("", "", env(true));
        let s = s.apply(Action::SetWorkers(9));
        assert_eq!(s.setup.workers, 2);
        assert_eq!(s.messages.len(), 1);
        let s = s.apply(Action::DismissMessages).apply(Action::SetWorkers(4));
        assert_eq!((s.setup.workers, s.messages.len()), (4, 0));
        let s = s.apply(Action::ToggleMode(Mode::Sequential));
        assert_eq!(s.setup.modes, vec![Mode::Pool]);
        let s = s.apply(Action::ToggleMode(Mode::Pool));
        assert_eq!(s.cannot_run().unwrap(), "Tick at least one mode.");
        let s = s.apply(Action::ToggleMode(Mode::Pool)).apply(Action::ToggleMode(Mode::Sequential));
        assert_eq!(s.setup.modes, vec![Mode::Sequential, Mode::Pool], "run order is fixed");
        let s = s.apply(Action::SetParam { key: "bounds".into(), value: "abc".into() });
        assert_eq!(s.setup.params.get("bounds").unwrap(), "1000000,2000000,3000000");
        assert_eq!(s.messages.len(), 1);
        let s = s.apply(Action::SetRepeat("0".into())).apply(Action::SetRepeat("5".into()));
        assert_eq!((s.setup.repeat, s.messages.len()), (5, 2));
        let s = s.apply(Action::SetSweep(true)).apply(Action::SetWarmup(false));
        assert!(s.setup.sweep && !s.setup.warmup);
    }

    #[test]
    fn a_lesson_opens_from_the_address_and_stands_in_it() {
        let s = State::new("lesson=uneven", "", env(true));
        assert_eq!(s.lesson.unwrap().id, "uneven");
        assert!(s.setup.params.get("bounds").unwrap().contains("6000000"));
        assert_eq!(s.address(), "lesson=uneven");
        let s = s.apply(Action::SetWorkers(1));
        assert!(s.address().starts_with("workload=primes"), "a changed setup is no longer the lesson's");
        let s = State::new("lesson=%3Cscript%3E", "", env(true));
        assert!(s.lesson.is_none());
        assert!(s.messages[0].starts_with("Unknown lesson \"<script>\"; known: gil,"), "{:?}", s.messages);
        let s = s.apply(Action::OpenLesson(Some("race".into())));
        assert_eq!((s.lesson.unwrap().id, s.setup.workload.id), ("race", "counter"));
        assert!(s.apply(Action::OpenLesson(None)).lesson.is_none());
    }

    /// Runs the lesson's current part to the end, every mode at `wall(step)`.
    fn run_part(s: State, wall: impl Fn(PlanStep) -> f64) -> State {
        let id = s.next_run_id - 1;
        run_all(s, id, wall)
    }

    #[test]
    fn a_lessons_parts_run_in_turn_then_its_verdict_is_stamped_on_the_result() {
        let s = State::new("lesson=uneven", "", env(true)).apply(Action::PoolReady(PoolInfo {
            threads: 2,
            startup_ms: 1.0,
            worker_ready_ms: 1.0,
        }));
        let s = s.apply(Action::RunLesson { at: 0.0 });
        assert!(s.is_running());
        // One task per bound: the pool barely gains.
        let s = run_part(s, |step| if step.mode == Mode::Pool { 800.0 } else { 1_000.0 });
        assert!(s.autorun_pending, "the next part runs by itself");
        assert_eq!(s.setup.params.get("order").map(String::as_str), Some("largest"));
        assert!(s.lesson_run.as_ref().unwrap().verdict.is_none());
        let s = s.apply(Action::RunStarted { at: 100.0 });
        assert!(s.lesson_run.is_some(), "the second part belongs to the lesson");
        let s = run_part(s, |step| if step.mode == Mode::Pool { 520.0 } else { 1_000.0 });
        let verdict = s.lesson_run.as_ref().unwrap().verdict.clone().unwrap();
        assert_eq!(verdict.outcome, Outcome::Holds, "{verdict:?}");
        let RunStatus::Done(doc) = &s.run else { panic!() };
        assert_eq!(doc.lesson.as_ref().unwrap().id, "uneven");
        assert_eq!(doc.lesson.as_ref().unwrap().verdict.as_ref(), Some(&verdict));
        assert_eq!(doc.lesson.as_ref().unwrap().earlier.len(), 1, "the first part travels with the last");
        assert!(doc.lesson.as_ref().unwrap().earlier[0].runs.iter().all(|r| r.tasks.is_empty()));
        assert!(!s.autorun_pending);
        // A plain run afterwards is not the lesson's.
        let s = s.apply(Action::SetWorkers(1)).apply(Action::RunStarted { at: 900.0 });
        assert!(s.lesson_run.is_none());
    }

    #[test]
    fn a_cancelled_lesson_cannot_be_shown_and_a_shared_one_runs_here() {
        let s = State::new("lesson=gil&autorun=1", "", env(true));
        assert!(s.lesson_run.is_some() && s.autorun_pending);
        let s = s.apply(Action::RunStarted { at: 0.0 }).apply(Action::Cancel);
        let run = s.lesson_run.clone().unwrap();
        assert_eq!(run.verdict.unwrap().outcome, Outcome::CannotShow);
        let RunStatus::Done(doc) = &s.run else { panic!() };
        assert!(doc.lesson.as_ref().unwrap().verdict.as_ref().unwrap().reason.as_ref().unwrap().contains("cancelled"));

        let shared = Rc::clone(doc);
        let s = State::new("", "", env(true)).apply(Action::LinkRead(Ok(shared)));
        assert_eq!(s.lesson.unwrap().id, "gil", "the link opens its lesson");
        let s = s.apply(Action::RunHere { at: 0.0 });
        assert!(s.is_running());
        assert_eq!(s.lesson_run.as_ref().unwrap().lesson.id, "gil");
        assert!(s.shared.as_ref().unwrap().lesson.is_some(), "both verdicts stay");
        assert_eq!(s.shared_verdict.as_ref().unwrap().outcome, Outcome::CannotShow, "judged here from the link");
    }

    #[test]
    fn a_lesson_that_cannot_run_here_says_why_at_once() {
        let s = State::new("lesson=gil", "", env(false)).apply(Action::RunLesson { at: 0.0 });
        assert!(!s.is_running());
        let verdict = s.lesson_run.unwrap().verdict.unwrap();
        assert_eq!(verdict.outcome, Outcome::CannotShow);
        assert!(verdict.reason.unwrap().contains("not cross-origin isolated"));
    }
}
