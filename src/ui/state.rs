//! The page's whole state and its one reducer. Pure: no browser, no Yew,
//! so every transition is tested on the host. `app.rs` wires it to Yew's
//! `use_reducer` and turns worker events into [`Action`]s.

use crate::core::mode::Mode;
use crate::core::protocol::RunRequest;
use crate::core::record::{EnvInfo, PoolInfo, ResultDoc, RunRecord, RESULT_VERSION};
use crate::core::setup::{normalise_modes, worker_range, Setup};

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
    Running {
        request: RunRequest,
        workers: u32,
        done: Vec<RunRecord>,
    },
    Done(ResultDoc),
    Error(String),
}

impl RunStatus {
    /// The `data-state` of `#spindle-result`.
    pub fn name(&self) -> &'static str {
        match self {
            RunStatus::Idle => "idle",
            RunStatus::Running { .. } => "running",
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
    DismissMessages,
    PoolStarting {
        threads: u32,
    },
    PoolReady(PoolInfo),
    PoolFailed(String),
    /// The page asked the worker to run `request` with `workers` threads.
    RunStarted {
        request: RunRequest,
        workers: u32,
    },
    ModeDone {
        id: u64,
        run: RunRecord,
    },
    RunFinished {
        id: u64,
    },
    RunFailed {
        id: Option<u64>,
        error: String,
    },
}

impl State {
    /// The state at page load: the setup from the URL and the messages
    /// about what in it was rejected.
    pub fn new(query: &str, env: EnvInfo) -> State {
        let (setup, mut messages) = Setup::from_query(query, env.hardware_concurrency);
        let pool = if env.cross_origin_isolated {
            PoolStatus::Starting {
                threads: setup.workers,
            }
        } else {
            PoolStatus::Unavailable(NOT_ISOLATED.into())
        };
        let mut autorun_pending = setup.autorun;
        if autorun_pending && !env.cross_origin_isolated {
            messages.push("autorun=1 ignored: this page cannot run without shared memory.".into());
            autorun_pending = false;
        }
        State {
            setup,
            messages,
            env,
            pool,
            run: RunStatus::Idle,
            autorun_pending,
            next_run_id: 1,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.run, RunStatus::Running { .. })
    }

    /// Why Run is disabled, if it is.
    pub fn cannot_run(&self) -> Option<String> {
        match &self.pool {
            PoolStatus::Unavailable(why) => return Some(why.clone()),
            PoolStatus::Failed(why) => {
                return Some(format!(
                    "The compute worker failed: {why}. Reload the page to try again."
                ))
            }
            _ => {}
        }
        if self.is_running() {
            return Some("A run is in progress.".into());
        }
        if self.setup.modes.is_empty() {
            return Some("Tick at least one mode.".into());
        }
        None
    }

    /// The request Run sends now.
    pub fn run_request(&self) -> RunRequest {
        RunRequest {
            id: self.next_run_id,
            workload: self.setup.workload.id.to_string(),
            params: self.setup.params.clone(),
            modes: self.setup.modes.clone(),
        }
    }

    pub fn pool_info(&self) -> Option<PoolInfo> {
        match self.pool {
            PoolStatus::Ready(info) => Some(info),
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
            Action::RunStarted { request, workers } => {
                self.next_run_id = request.id + 1;
                self.autorun_pending = false;
                self.run = RunStatus::Running {
                    request,
                    workers,
                    done: Vec::new(),
                };
            }
            Action::ModeDone { id, run } => {
                if let RunStatus::Running { request, done, .. } = &mut self.run {
                    if request.id == id {
                        done.push(run);
                    }
                }
            }
            Action::RunFinished { id } => {
                if let RunStatus::Running {
                    request,
                    workers,
                    done,
                } = &self.run
                {
                    if request.id == id {
                        let doc = ResultDoc {
                            version: RESULT_VERSION,
                            spindle: env!("CARGO_PKG_VERSION").to_string(),
                            workload: request.workload.clone(),
                            params: request.params.clone(),
                            workers: *workers,
                            env: self.env.clone(),
                            pool: self.pool_info(),
                            runs: done.clone(),
                        };
                        self.run = RunStatus::Done(doc);
                    }
                }
            }
            Action::RunFailed { id, error } => {
                let ours = match (&self.run, id) {
                    (RunStatus::Running { request, .. }, Some(id)) => request.id == id,
                    (RunStatus::Running { .. }, None) => true,
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

pub const NOT_ISOLATED: &str =
    "Shared memory is unavailable: this page is not cross-origin isolated, \
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
        }
    }

    #[test]
    fn a_run_goes_from_idle_to_done_with_a_complete_document() {
        let s = State::new("workers=2&autorun=1", env(true));
        assert!(s.autorun_pending);
        assert_eq!(s.pool, PoolStatus::Starting { threads: 2 });
        let info = PoolInfo {
            threads: 2,
            startup_ms: 60.0,
            worker_ready_ms: 150.0,
        };
        let s = s.apply(Action::PoolReady(info));
        assert_eq!(s.cannot_run(), None);
        let request = s.run_request();
        let s = s.apply(Action::RunStarted {
            request: request.clone(),
            workers: 2,
        });
        assert!(!s.autorun_pending);
        assert_eq!(s.run.name(), "running");
        assert!(s.cannot_run().is_some());
        let s = s.apply(Action::ModeDone {
            id: request.id,
            run: record(Mode::Sequential),
        });
        let s = s.apply(Action::ModeDone {
            id: 999,
            run: record(Mode::Pool),
        });
        let s = s.apply(Action::ModeDone {
            id: request.id,
            run: record(Mode::Pool),
        });
        let s = s.apply(Action::RunFinished { id: request.id });
        match &s.run {
            RunStatus::Done(doc) => {
                assert_eq!(doc.runs.len(), 2, "the stale ModeDone is dropped");
                assert_eq!(doc.workers, 2);
                assert_eq!(doc.pool, Some(info));
                assert_eq!(doc.workload, "primes");
            }
            other => panic!("not done: {other:?}"),
        }
        assert_eq!(s.next_run_id, request.id + 1);
    }

    #[test]
    fn without_isolation_nothing_runs_and_the_page_says_why() {
        let s = State::new("autorun=1", env(false));
        assert!(!s.autorun_pending);
        assert!(s.cannot_run().unwrap().contains("cross-origin isolated"));
        assert!(s.messages.iter().any(|m| m.contains("autorun")));
        let s = s.apply(Action::PoolStarting { threads: 2 });
        assert!(matches!(s.pool, PoolStatus::Unavailable(_)));
    }

    #[test]
    fn a_failing_worker_ends_the_run_with_an_error() {
        let s = State::new("", env(true));
        let request = s.run_request();
        let s = s.apply(Action::RunStarted {
            request,
            workers: 2,
        });
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
        let s = s
            .apply(Action::DismissMessages)
            .apply(Action::SetWorkers(4));
        assert_eq!((s.setup.workers, s.messages.len()), (4, 0));
        let s = s.apply(Action::ToggleMode(Mode::Sequential));
        assert_eq!(s.setup.modes, vec![Mode::Pool]);
        let s = s.apply(Action::ToggleMode(Mode::Pool));
        assert_eq!(s.cannot_run().unwrap(), "Tick at least one mode.");
        let s = s
            .apply(Action::ToggleMode(Mode::Pool))
            .apply(Action::ToggleMode(Mode::Sequential));
        assert_eq!(
            s.setup.modes,
            vec![Mode::Sequential, Mode::Pool],
            "run order is fixed"
        );
        let s = s.apply(Action::SetParam {
            key: "bounds".into(),
            value: "abc".into(),
        });
        assert_eq!(
            s.setup.params.get("bounds").unwrap(),
            "1000000,2000000,3000000"
        );
        assert_eq!(s.messages.len(), 1);
    }
}
