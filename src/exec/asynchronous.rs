//! Async: every task is a future on one thread's event loop, all awaited
//! together (`asyncio.gather`). A future runs until it awaits; CPU-bound
//! tasks never wait, so they run one after another.

use super::{awaited_task, join_all, task_io, wait_ms, ExecError, Executor, Host, LocalFuture, Run, RunContext};

pub struct Async;

impl Executor for Async {
    fn threads(&self, _: &RunContext) -> u32 {
        1
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, host: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, ExecError>> {
        Box::pin(async move {
            let tasks = (0..ctx.workload.task_count())
                .map(|i| -> LocalFuture<'a, _> {
                    Box::pin(async move {
                        // `await asyncio.sleep(d)`, an awaited download: the
                        // waits let the others run; with nothing to wait for,
                        // still give the loop a turn.
                        if wait_ms(ctx, i) <= 0.0 && task_io(ctx, i).is_none() {
                            host.yield_now().await;
                        }
                        awaited_task(ctx, host, i, 0, t0).await
                    })
                })
                .collect();
            Ok(join_all(tasks).await.into())
        })
    }
}
