//! Async: every task is a future on one thread's event loop, all awaited
//! together (`asyncio.gather`). A future runs until it awaits; CPU-bound
//! tasks never wait, so they run one after another.

use super::{finish_task, join_all, maybe_panic, Executor, Host, LocalFuture, Run, RunContext};

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
                        let start = ctx.clock.now_ms();
                        // `await asyncio.sleep(d)`: the wait lets the others run;
                        // with nothing to wait for, still give the loop a turn.
                        match ctx.workload.wait_ms(i) {
                            ms if ms > 0.0 => host.sleep(ms).await,
                            _ => host.yield_now().await,
                        }
                        maybe_panic(ctx, i);
                        finish_task(ctx, i, 0, start, t0)
                    })
                })
                .collect();
            Ok(join_all(tasks).await.into())
        })
    }
}
