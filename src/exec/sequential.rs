//! Sequential: a plain loop on the calling thread (in the browser, the
//! compute worker's), the baseline. One task at a time, its waits and IO
//! included (IO that only has promises is awaited, nothing else runs).

use super::{one_task, ExecError, Executor, Host, LocalFuture, Run, RunContext};

pub struct Sequential;

impl Executor for Sequential {
    fn threads(&self, _: &RunContext) -> u32 {
        1
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, host: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, ExecError>> {
        Box::pin(async move {
            let mut tasks = Vec::with_capacity(ctx.workload.task_count());
            for i in 0..ctx.workload.task_count() {
                tasks.push(one_task(ctx, host, i, 0, t0).await);
            }
            Ok(tasks.into())
        })
    }
}
