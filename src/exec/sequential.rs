//! Sequential: a plain loop on the calling thread (in the browser, the
//! compute worker's), the baseline.

use super::{timed_task, Executor, Host, LocalFuture, Run, RunContext};

pub struct Sequential;

impl Executor for Sequential {
    fn threads(&self, _: &RunContext) -> u32 {
        1
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, _: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, String>> {
        Box::pin(async move {
            Ok((0..ctx.workload.task_count()).map(|i| timed_task(ctx, i, 0, t0)).collect::<Vec<_>>().into())
        })
    }
}
