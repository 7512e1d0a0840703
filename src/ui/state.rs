//! The page's whole state and its one reducer. Pure: no browser, no Yew,
//! so every transition is tested on the host. `app.rs` wires it to Yew's
//! `use_reducer` and turns worker events into [`Action`]s.

use crate::core::mode::Mode;
use crate::core::protocol::RunRequest;
use crate::core::record::{EnvInfo, PoolInfo, Responsiveness, ResultDoc, RunRecord, RESULT_VERSION};
use crate::core::setup::{normalise_modes, worker_range, Setup};
use crate::core::workload::Picture;

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
    Running(Progress),
    Done(ResultDoc),
    Error(String),
}

/// A run in progress: its modes run one at a time, in order; after each,
/// the page's responsiveness during it is measured, then the next starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub request: RunRequest,
    pub workers: u32,
    pub done: Vec<RunRecord>,
    /// The mode running now and when it started (page clock, ms).
    pub current: Option<(Mode, f64)>,
    /// When the last finished mode started and ended, for the meter.
    pub last_span: Option<(f64, f64)>,
}

/// What the page must do next for a run in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// Start this mode (on the page or in the compute worker).
    Start(Mode),
    /// Measure the page's frames during the span of the last mode.
    Measure { start: f64, end: f64 },
    /// Every mode is done and measured.
    Finish,
}

impl Progress {
    pub fn next_step(&self) -> Option<Step> {
        if self.current.is_some() {
            return None;
        }
        if let (Some(last), Some((start, end))) = (self.done.last(), self.last_span) {
            if last.responsiveness.is_none() {
                return Some(Step::Measure { start, end });
            }
        }
        match self.request.modes.get(self.done.len()) {
            Some(&mode) => Some(Step::Start(mode)),
            None => Some(Step::Finish),
        }
    }

    /// Sequential's answer, once it ran.
    pub fn baseline(&self) -> Option<String> {
        self.done.iter().find(|r| r.mode == Mode::Sequential).map(|r| r.result.clone())
    }

    /// The request for one mode of this run.
    pub fn request_for(&self, mode: Mode) -> RunRequest {
        RunRequest { modes: vec![mode], baseline: self.baseline(), ..self.request.clone() }
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
    pub next_run_id: u64,
    /// The latest run's picture, for workloads that draw one.
    pub picture: Option<Picture>,
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
    DismissMessages,
    PoolStarting {
        threads: u32,
    },
    PoolReady(PoolInfo),
    PoolFailed(String),
    /// Run pressed: the setup as it is now becomes the run's request.
    RunStarted {
        request: RunRequest,
        workers: u32,
    },
    /// A mode of the run started at `at` (page clock, ms).
    ModeStarted {
        id: u64,
        mode: Mode,
        at: f64,
    },
    /// A mode finished at `at`.
    ModeDone {
        id: u64,
        run: RunRecord,
        at: f64,
    },
    /// The page's frames during the last mode.
    ModeMeasured {
        id: u64,
        responsiveness: Responsiveness,
    },
    /// The compute worker crashed during the current mode (a panic in the
    /// pool); it has been restarted, the run goes on with the next mode.
    ModeCrashed {
        error: String,
        at: f64,
    },
    RunFinished {
        id: u64,
    },
    RunFailed {
        id: Option<u64>,
        error: String,
    },
    Picture(Picture),
}

impl State {
    /// The state at page load: the setup from the URL and the messages
    /// about what in it was rejected.
    pub fn new(query: &str, env: EnvInfo) -> State {
        let (setup, mut messages) = Setup::from_query(query, env.hardware_concurrency);
        let pool = if env.cross_origin_isolated {
            PoolStatus::Starting { threads: setup.workers }
        } else {
            PoolStatus::Unavailable(NOT_ISOLATED.into())
        };
        let mut state = State {
            setup,
            messages: Vec::new(),
            env,
            pool,
            run: RunStatus::Idle,
            autorun_pending: false,
            next_run_id: 1,
            picture: None,
        };
        if state.setup.autorun {
            match state.unrunnable_modes() {
                None => state.autorun_pending = true,
                Some(why) => messages.push(format!("autorun=1 ignored: {why}")),
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

    /// Why some ticked modes cannot run here, if so.
    fn unrunnable_modes(&self) -> Option<String> {
        let blocked: Vec<&str> = self.setup.modes.iter().filter(|m| m.needs_isolation()).map(|m| m.name()).collect();
        match &self.pool {
            PoolStatus::Unavailable(why) if !blocked.is_empty() => {
                Some(format!("{} need(s) the compute worker. {why}", blocked.join(", ")))
            }
            PoolStatus::Failed(why) if !blocked.is_empty() => {
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

    /// The request Run sends now.
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
        }
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

    /// The one reducer.
    pub fn apply(mut self, action: Action) -> State {
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
            Action::ToggleMode(mode) if self.setup.build().unsupported(mode).is_some() => {}
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
                }
            }
            Action::Picture(picture) => self.picture = Some(picture),
            Action::RunStarted { request, workers } => {
                self.picture = None;
                self.next_run_id = request.id + 1;
                self.autorun_pending = false;
                self.run =
                    RunStatus::Running(Progress { request, workers, done: Vec::new(), current: None, last_span: None });
            }
            Action::ModeStarted { id, mode, at } => {
                if let Some(p) = self.running(id) {
                    p.current = Some((mode, at));
                }
            }
            Action::ModeDone { id, run, at } => {
                if let Some(p) = self.running(id) {
                    if p.current.is_some_and(|(m, _)| m == run.mode) {
                        let (_, start) = p.current.take().expect("checked");
                        p.last_span = Some((start, at));
                        p.done.push(run);
                    }
                }
            }
            Action::ModeMeasured { id, responsiveness } => {
                if let Some(run) = self.running(id).and_then(|p| p.done.last_mut()) {
                    run.responsiveness.get_or_insert(responsiveness);
                }
            }
            Action::ModeCrashed { error, at } => {
                if let RunStatus::Running(p) = &mut self.run {
                    if let Some((mode, start)) = p.current.take() {
                        p.last_span = Some((start, at));
                        p.done.push(crashed_run(mode, p, error, at - start));
                    }
                }
            }
            Action::RunFinished { id } => {
                let (env, pool) = (self.env.clone(), self.pool_info());
                if let Some(p) = self.running(id) {
                    let doc = ResultDoc {
                        version: RESULT_VERSION,
                        spindle: env!("CARGO_PKG_VERSION").to_string(),
                        workload: p.request.workload.clone(),
                        params: p.request.params.clone(),
                        workers: p.workers,
                        env,
                        pool,
                        runs: p.done.clone(),
                    };
                    self.run = RunStatus::Done(doc);
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
        }
        self
    }
}

/// The record of a mode whose worker crashed: no tasks came back.
fn crashed_run(mode: Mode, p: &Progress, error: String, wall_ms: f64) -> RunRecord {
    RunRecord {
        mode,
        threads: if mode.uses_workers() { p.workers } else { 1 },
        wall_ms,
        result: format!("crashed: {error}"),
        correct: Some(false),
        checked_against: "nothing: the shared memory's threads died; the compute worker was restarted".into(),
        tasks: Vec::new(),
        failures: 1,
        metrics: Default::default(),
        responsiveness: None,
    }
}

pub const NOT_ISOLATED: &str = "Shared memory is unavailable: this page is not cross-origin isolated, \
    so the browser hides SharedArrayBuffer and WebAssembly threads. The server must send \
    `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp` \
    (trunk serve does; see the README for static hosting).";

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
        RunRecord {
            mode,
            threads: 1,
            wall_ms: 10.0,
            result: "1".into(),
            correct: Some(true),
            checked_against: "known answers".into(),
            tasks: vec![],
            failures: 0,
            metrics: Default::default(),
            responsiveness: None,
        }
    }

    const FLUID: Responsiveness = Responsiveness { longest_gap_ms: 17.0, gaps_over_50ms: 0, frames: 30 };

    #[test]
    fn a_run_steps_through_its_modes_then_finishes_with_a_complete_document() {
        let s = State::new("workers=2&autorun=1&modes=sequential,main,pool", env(true));
        assert!(s.autorun_pending);
        assert_eq!(s.pool, PoolStatus::Starting { threads: 2 });
        let info = PoolInfo { threads: 2, startup_ms: 60.0, worker_ready_ms: 150.0 };
        let s = s.apply(Action::PoolReady(info));
        assert_eq!(s.cannot_run(), None);
        let request = s.run_request();
        let id = request.id;
        let mut s = s.apply(Action::RunStarted { request, workers: 2 });
        assert!(!s.autorun_pending);
        assert_eq!(s.run.name(), "running");
        assert!(s.cannot_run().is_some());
        let mut t = 0.0;
        for mode in [Mode::Sequential, Mode::Main, Mode::Pool] {
            assert_eq!(s.progress().unwrap().next_step(), Some(Step::Start(mode)));
            s = s.apply(Action::ModeStarted { id, mode, at: t });
            assert_eq!(s.progress().unwrap().next_step(), None, "one mode at a time");
            // A stale message from another run changes nothing.
            s = s.apply(Action::ModeDone { id: 999, run: record(mode), at: t + 5.0 });
            s = s.apply(Action::ModeDone { id, run: record(mode), at: t + 10.0 });
            assert_eq!(s.progress().unwrap().next_step(), Some(Step::Measure { start: t, end: t + 10.0 }));
            s = s.apply(Action::ModeMeasured { id, responsiveness: FLUID });
            t += 20.0;
        }
        assert_eq!(s.progress().unwrap().next_step(), Some(Step::Finish));
        let s = s.apply(Action::RunFinished { id });
        match &s.run {
            RunStatus::Done(doc) => {
                assert_eq!(doc.runs.len(), 3);
                assert!(doc.runs.iter().all(|r| r.responsiveness == Some(FLUID)));
                assert_eq!(doc.workers, 2);
                assert_eq!(doc.pool, Some(info));
                assert_eq!(doc.workload, "primes");
            }
            other => panic!("not done: {other:?}"),
        }
        assert_eq!(s.next_run_id, id + 1);
    }

    #[test]
    fn later_modes_are_checked_against_sequential() {
        let s = State::new("modes=sequential,pool", env(true));
        let request = s.run_request();
        let id = request.id;
        let s = s.apply(Action::RunStarted { request, workers: 2 });
        assert_eq!(s.progress().unwrap().request_for(Mode::Sequential).baseline, None);
        let s = s.apply(Action::ModeStarted { id, mode: Mode::Sequential, at: 0.0 });
        let s = s.apply(Action::ModeDone { id, run: record(Mode::Sequential), at: 1.0 });
        let next = s.progress().unwrap().request_for(Mode::Pool);
        assert_eq!((next.modes, next.baseline), (vec![Mode::Pool], Some("1".to_string())));
    }

    #[test]
    fn a_crash_fails_the_mode_and_the_run_goes_on() {
        let s = State::new("modes=pool,isolated&panic=0", env(true));
        let request = s.run_request();
        let id = request.id;
        let s = s.apply(Action::RunStarted { request, workers: 2 });
        let s = s.apply(Action::ModeStarted { id, mode: Mode::Pool, at: 0.0 });
        let s = s.apply(Action::ModeCrashed { error: "panic: task 0".into(), at: 40.0 });
        let p = s.progress().unwrap();
        assert_eq!(p.done[0].correct, Some(false));
        assert!(p.done[0].result.contains("crashed"));
        assert_eq!(p.next_step(), Some(Step::Measure { start: 0.0, end: 40.0 }));
        let s = s.apply(Action::ModeMeasured { id, responsiveness: FLUID });
        assert_eq!(s.progress().unwrap().next_step(), Some(Step::Start(Mode::Isolated)));
    }

    #[test]
    fn without_isolation_only_the_page_modes_run() {
        let s = State::new("autorun=1", env(false));
        assert!(!s.autorun_pending);
        assert!(s.cannot_run().unwrap().contains("cross-origin isolated"));
        assert!(s.messages.iter().any(|m| m.contains("autorun")));
        let s = s.apply(Action::PoolStarting { threads: 2 });
        assert!(matches!(s.pool, PoolStatus::Unavailable(_)));
        let s = State::new("modes=main,coop&autorun=1", env(false));
        assert!(s.autorun_pending);
        assert_eq!(s.cannot_run(), None);
    }

    #[test]
    fn a_failing_worker_ends_the_run_with_an_error() {
        let s = State::new("", env(true));
        let request = s.run_request();
        let s = s.apply(Action::RunStarted { request, workers: 2 });
        let s = s.apply(Action::PoolFailed("boom".into()));
        assert_eq!(s.run.name(), "error");
        assert!(s.cannot_run().unwrap().contains("boom"));
    }

    #[test]
    fn form_actions_validate() {
        let s = State::new("", env(true));
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
    }
}
