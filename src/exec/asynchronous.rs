//! Async: every task is a future on one thread's event loop, all awaited
//! together (`asyncio.gather`). A future runs until it awaits; CPU-bound
//! tasks never wait, so they run one after another.

use super::{join_all, timed_task, Executor, Host, LocalFuture, Run, RunContext};

pub struct Async;

impl Executor for Async {
    fn threads(&self, _: &RunContext) -> u32 {
        1
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, host: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, String>> {
        Box::pin(async move {
            let tasks = (0..ctx.workload.task_count())
                .map(|i| -> LocalFuture<'a, _> {
                    Box::pin(async move {
                        // Like `await asyncio.sleep(0)`: give the loop a turn.
                        host.yield_now().await;
                        timed_task(ctx, i, 0, t0)
                    })
                })
                .collect();
            Ok(join_all(tasks).await.into())
        })
    }
}
