//! Many tiny tasks: each adds up a short run of consecutive numbers, so a
//! task's own work is far smaller than what it costs to hand it out. What
//! a mode spends per task (the pool's scheduling, a message to an isolated
//! worker, a thread's start-up, a turn of the event loop) is then the whole
//! story: wall time ÷ tasks is the per-task overhead.

use std::collections::BTreeMap;
use std::hint::black_box;

use super::api::{whole_number, Built, ParamSpec, Params, Reference, SetupError, Workload, WorkloadSpec};

pub const MAX_TASKS: u64 = 100_000;
pub const DEFAULT_TASKS: u64 = 10_000;
pub const MAX_SIZE: u64 = 10_000;

pub const SPEC: WorkloadSpec = WorkloadSpec {
    id: "tiny",
    name: "Many tiny tasks",
    kind: "overhead per task",
    about: "Up to 100,000 tasks, each adding up a few consecutive numbers: each task's work takes well \
            under a microsecond, so the wall time is what it costs a mode to hand tasks out and collect \
            their results. The pool pays microseconds per task, isolated workers a message each way, a \
            thread per task a whole thread start-up. The cure is bigger tasks (Pool.map's chunksize).",
    source: "every tutorial's pool, and the cost behind its chunksize: Pool.map(f, items, chunksize)",
    params: &[
        ParamSpec { key: "tasks", label: "Tasks", default: "10000", help: "1 … 100,000" },
        ParamSpec { key: "size", label: "Numbers per task", default: "10", help: "1 … 10,000" },
    ],
    build,
    warm_up: || super::api::exercise(&Tiny { tasks: 64, size: 10 }),
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tiny {
    pub tasks: u64,
    pub size: u64,
}

impl Workload for Tiny {
    fn task_count(&self) -> usize {
        self.tasks as usize
    }

    fn task_label(&self, index: usize) -> String {
        let first = index as u64 * self.size;
        format!("{first} … {}", first + self.size - 1)
    }

    fn run_task(&self, index: usize) -> u64 {
        let first = black_box(index as u64 * self.size);
        (first..first + self.size).map(black_box).sum()
    }

    fn answer(&self, values: &[u64]) -> String {
        values.iter().sum::<u64>().to_string()
    }

    /// Σ of 0 … n − 1, n = tasks × size.
    fn reference(&self) -> Option<Reference> {
        let n = self.tasks * self.size;
        Some(Reference { answer: (n * (n - 1) / 2).to_string(), source: "known answers" })
    }
}

fn build(params: &Params) -> Result<Built, SetupError> {
    let work = Tiny {
        tasks: whole_number(params, "tasks", DEFAULT_TASKS, MAX_TASKS)?,
        size: whole_number(params, "size", 10, MAX_SIZE)?,
    };
    let canonical: Params =
        BTreeMap::from([("tasks".into(), work.tasks.to_string()), ("size".into(), work.size.to_string())]);
    Ok((Box::new(work), canonical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_add_up_to_the_known_sum() {
        let w = Tiny { tasks: 1000, size: 7 };
        let values: Vec<u64> = (0..1000).map(|i| w.run_task(i)).collect();
        assert_eq!(w.answer(&values), w.reference().unwrap().answer);
        assert_eq!(w.task_label(2), "14 … 20");
        let big = Tiny { tasks: MAX_TASKS, size: MAX_SIZE };
        assert_eq!(big.reference().unwrap().answer, "499999999500000000");
    }

    #[test]
    fn limits() {
        let p = |t: &str, s: &str| Params::from([("tasks".into(), t.into()), ("size".into(), s.into())]);
        assert!(build(&p("100000", "10")).is_ok());
        assert_eq!(build(&p("100001", "10")).err().unwrap().param, Some("tasks"));
        assert_eq!(build(&p("5", "0")).err().unwrap().param, Some("size"));
    }
}
