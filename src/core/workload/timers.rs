//! Timers: k tasks that each wait d ms, the tutorial's `time.sleep(2)` in
//! four threads (`shared/seeds/002`). Pure waiting: every mode that lets
//! waits overlap takes about d, the others k·d.

use std::collections::BTreeMap;

use super::api::{
    whole_number, Built, ParamSpec, Params, Policy, Reference, SetupError, Traits, Waits, Workload, WorkloadSpec,
};

pub const MAX_TASKS: u64 = 1_000;
pub const MAX_MS: u64 = 10_000;
/// All waits together, ms: sequentially that is the run's length.
pub const MAX_TOTAL_MS: u64 = 120_000;
/// On the page's main thread a wait is a busy loop that freezes the page.
pub const MAIN_THREAD_TOTAL_MS: u64 = 2_000;

pub const SPEC: WorkloadSpec = WorkloadSpec {
    id: "timers",
    name: "Timers (simulated latency)",
    kind: "IO-bound, pure waiting",
    about: "Each task waits d milliseconds and does nothing else, like time.sleep(2) in the tutorial. \
            Waiting needs no CPU, so every mode that lets waits overlap finishes in about d: threads, \
            the pool (d per round of N), async and cooperative, and even the GIL, which a waiting \
            thread lets go of. Sequential and the main thread take k × d.",
    source: "the tutorial on concurrency, parallelism and threads vs processes: time.sleep(2) in 4 threads took 2.00 s",
    params: &[
        ParamSpec { key: "tasks", label: "Tasks", default: "4", help: "1 … 1,000" },
        ParamSpec {
            key: "ms",
            label: "Wait (ms)",
            default: "500",
            help: "per task, 1 … 10,000; all tasks together at most 120,000",
        },
    ],
    build,
    warm_up: || {},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timers {
    pub tasks: u64,
    pub ms: u64,
}

impl Workload for Timers {
    fn task_count(&self) -> usize {
        self.tasks as usize
    }

    fn task_label(&self, index: usize) -> String {
        format!("timer {index}: wait {} ms", self.ms)
    }

    /// The wait is done by the mode (see `wait_ms`); what is left is to
    /// report how long it was.
    fn run_task(&self, _index: usize) -> u64 {
        self.ms
    }

    fn answer(&self, values: &[u64]) -> String {
        format!("{} ms waited", values.iter().sum::<u64>())
    }

    fn reference(&self) -> Option<Reference> {
        Some(Reference { answer: format!("{} ms waited", self.tasks * self.ms), source: "k × d" })
    }

    fn traits(&self) -> Traits<'_> {
        Traits { waits: Some(self), policy: Some(self), ..Traits::default() }
    }
}

impl Waits for Timers {
    fn wait_ms(&self, _index: usize) -> f64 {
        self.ms as f64
    }
}

impl Policy for Timers {
    fn main_thread_limit(&self) -> Option<String> {
        let total = self.tasks * self.ms;
        (total > MAIN_THREAD_TOTAL_MS).then(|| {
            format!(
                "{total} ms of waiting; on the page's main thread (a busy wait) the limit is {MAIN_THREAD_TOTAL_MS} ms"
            )
        })
    }
}

fn build(params: &Params) -> Result<Built, SetupError> {
    let work =
        Timers { tasks: whole_number(params, "tasks", 4, MAX_TASKS)?, ms: whole_number(params, "ms", 500, MAX_MS)? };
    if work.tasks * work.ms > MAX_TOTAL_MS {
        return Err(SetupError::param(
            "ms",
            format!("{} tasks × {} ms is more than {MAX_TOTAL_MS} ms of waiting", work.tasks, work.ms),
        ));
    }
    let canonical: Params =
        BTreeMap::from([("tasks".into(), work.tasks.to_string()), ("ms".into(), work.ms.to_string())]);
    Ok((Box::new(work), canonical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        let p = |t: &str, m: &str| Params::from([("tasks".into(), t.into()), ("ms".into(), m.into())]);
        assert!(build(&p("4", "500")).is_ok());
        assert!(build(&p("1000", "100")).is_ok());
        assert_eq!(build(&p("1000", "121")).err().unwrap().param, Some("ms"));
        assert!(build(&p("0", "5")).is_err());
        let t = Timers { tasks: 4, ms: 500 };
        assert!(t.main_thread_limit().is_none());
        assert_eq!(t.answer(&[500; 4]), t.reference().unwrap().answer);
    }
}
