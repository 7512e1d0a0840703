//! The tight arithmetic loop of the tutorial (`shared/seeds/002`):
//! `result = otherfunc(result, somefunc(i))` for i < 100,000, repeated, in
//! k equal tasks. CPU-bound, even tasks: the clean case for a pool.

use std::collections::BTreeMap;
use std::hint::black_box;

use super::api::{
    whole_number, Built, ParamSpec, Params, Policy, Reference, SetupError, Sliced, Traits, Workload, WorkloadSpec,
};

/// i < 100,000 per pass, as in the tutorial.
pub const N: u64 = 100_000;
/// Σ i² for i < 100,000: every task's answer.
pub const PER_TASK: u64 = 333_328_333_350_000;
pub const MAX_TASKS: u64 = 256;
pub const MAX_REPEAT: u64 = 10_000;
/// Passes on the page's main thread, all tasks together (about 0.8 s).
pub const MAIN_THREAD_PASSES: u64 = 10_000;
/// One pass takes ~80 µs in wasm, 65 times less than CPython's 5 ms: the
/// default repeats it 1,000 times (the tutorial: 100) to see anything.
pub const DEFAULT_REPEAT: u64 = 1_000;

pub const SPEC: WorkloadSpec = WorkloadSpec {
    id: "loop",
    name: "Tight arithmetic loop",
    kind: "CPU-bound, even tasks",
    about: "Each task runs the tutorial's loop: result = otherfunc(result, somefunc(i)) for every \
            i below 100,000, repeated. All tasks are the same size, so a pool of N workers should be \
            close to N times faster; under a GIL, four threads took the tutorial 14.42 s against 2.05 s \
            for one run.",
    source: "the tutorial on Python processes and threads: process() with somefunc/otherfunc, 4 threads vs 4 processes",
    params: &[
        ParamSpec { key: "tasks", label: "Tasks", default: "4", help: "equal tasks, 1 … 256" },
        ParamSpec {
            key: "passes",
            label: "Passes",
            default: "1000",
            help: "passes over i < 100,000 per task, 1 … 10,000 (the tutorial: 100, which Rust does in 8 ms)",
        },
    ],
    build,
    warm_up: || super::api::exercise(&TightLoop { tasks: 1, repeat: 20 }),
};

fn somefunc(i: u64) -> u64 {
    i * i
}

fn otherfunc(m: u64, i: u64) -> u64 {
    m + i
}

/// One pass: Σ i² for i < 100,000. `black_box` keeps the compiler from
/// replacing the loop by its closed form, which would measure nothing.
/// Not inlined: V8 tiers wasm up per function at call time (no on-stack
/// replacement), so the hot loop must be a function called once a pass.
#[inline(never)]
pub fn one_pass() -> u64 {
    let mut result = 0;
    for i in 0..N {
        result = otherfunc(result, somefunc(black_box(i)));
    }
    result
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TightLoop {
    pub tasks: u64,
    pub repeat: u64,
}

impl Workload for TightLoop {
    fn task_count(&self) -> usize {
        self.tasks as usize
    }

    fn task_label(&self, index: usize) -> String {
        format!("run {index}: {} × Σ i², i < 100000", self.repeat)
    }

    fn run_task(&self, _index: usize) -> u64 {
        let mut value = 0;
        for _ in 0..self.repeat {
            value = one_pass();
        }
        value
    }

    fn answer(&self, values: &[u64]) -> String {
        values.iter().sum::<u64>().to_string()
    }

    fn reference(&self) -> Option<Reference> {
        Some(Reference { answer: (self.tasks * PER_TASK).to_string(), source: "known answers" })
    }

    fn traits(&self) -> Traits<'_> {
        Traits { sliced: Some(self), policy: Some(self), ..Traits::default() }
    }
}

impl Sliced for TightLoop {
    fn slice_count(&self, _index: usize) -> usize {
        self.repeat as usize
    }

    /// Every pass computes the same sum; the task's value is the last one,
    /// so only the last slice counts (slices add up).
    fn run_slice(&self, _index: usize, slice: usize) -> u64 {
        let v = one_pass();
        if slice as u64 + 1 == self.repeat {
            v
        } else {
            0
        }
    }
}

impl Policy for TightLoop {
    fn main_thread_limit(&self) -> Option<String> {
        let passes = self.tasks * self.repeat;
        (passes > MAIN_THREAD_PASSES)
            .then(|| format!("{passes} passes; on the page's main thread the limit is {MAIN_THREAD_PASSES}"))
    }
}

fn build(params: &Params) -> Result<Built, SetupError> {
    let work = TightLoop {
        tasks: whole_number(params, "tasks", 4, MAX_TASKS)?,
        repeat: whole_number(params, "passes", DEFAULT_REPEAT, MAX_REPEAT)?,
    };
    let canonical: Params =
        BTreeMap::from([("tasks".into(), work.tasks.to_string()), ("passes".into(), work.repeat.to_string())]);
    Ok((Box::new(work), canonical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_is_the_known_sum() {
        assert_eq!(one_pass(), PER_TASK);
        assert_eq!((0..N).map(|i| i * i).sum::<u64>(), PER_TASK);
    }

    #[test]
    fn slices_add_up_and_the_answer_is_known() {
        let w = TightLoop { tasks: 3, repeat: 5 };
        let sliced: u64 = (0..w.slice_count(0)).map(|s| w.run_slice(0, s)).sum();
        assert_eq!(sliced, w.run_task(0));
        assert_eq!(w.answer(&[PER_TASK; 3]), w.reference().unwrap().answer);
    }

    #[test]
    fn parameters_are_validated() {
        let p = |t: &str, r: &str| Params::from([("tasks".into(), t.into()), ("passes".into(), r.into())]);
        assert!(build(&p("4", "100")).is_ok());
        assert_eq!(build(&p("0", "100")).err().unwrap().param, Some("tasks"));
        assert_eq!(build(&p("4", "x")).err().unwrap().param, Some("passes"));
        assert!(build(&p("257", "1")).is_err());
    }
}
