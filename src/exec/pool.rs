//! Thread pool: rayon's work-stealing pool. In the browser its threads are
//! Web Workers on one shared memory (wasm-bindgen-rayon); on the host,
//! native threads. Results come back in submission order, like `Pool.map`;
//! the task records' end times give the completion order (`as_completed`).

use rayon::prelude::*;

use super::{timed_task, ExecError, Executor, Host, LocalFuture, Run, RunContext};

/// Runs on the current rayon pool (the global one unless the caller
/// `install`s another). It blocks the calling thread: never the page's.
pub struct Pool;

impl Executor for Pool {
    fn threads(&self, _: &RunContext) -> u32 {
        rayon::current_num_threads() as u32
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, _: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, ExecError>> {
        Box::pin(async move {
            let tasks: Vec<_> = (0..ctx.workload.task_count())
                .into_par_iter()
                // One task per split at most: tasks are coarse and uneven,
                // so every task must be stealable on its own.
                .with_max_len(1)
                .map(|i| timed_task(ctx, i, rayon::current_thread_index().unwrap_or(0) as u32, t0))
                .collect();
            Ok(tasks.into())
        })
    }
}
