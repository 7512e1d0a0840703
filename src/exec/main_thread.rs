//! Main thread: the sequential loop on the page's own thread, which freezes
//! the page while it runs. Refuses inputs over the workload's main-thread
//! limit, so the tab never locks for long. A panic there would kill the
//! page itself, so the injected one is recorded as a failed task instead.

use super::{blocking_value, finish_task, record, wait_ms, ExecError, Executor, Host, LocalFuture, Run, RunContext};
use crate::core::workload;

pub struct MainThread;

impl Executor for MainThread {
    fn threads(&self, _: &RunContext) -> u32 {
        1
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, _: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, ExecError>> {
        Box::pin(async move {
            if let Some(why) = workload::main_thread_limit(&*ctx.workload) {
                return Err(ExecError::TooMuchForThePage(why));
            }
            let tasks = (0..ctx.workload.task_count())
                .map(|i| {
                    let start = ctx.clock.now_ms();
                    if ctx.panic_task == Some(i) {
                        let mut rec = record(ctx, i, 0, start, t0);
                        rec.error = Some("panic injected; not raised on the page's own thread".into());
                        return (None, rec);
                    }
                    // The page's thread may not block (Atomics.wait traps there):
                    // a wait is a busy loop, which freezes the page just the same.
                    let due = start + wait_ms(ctx, i);
                    while ctx.clock.now_ms() < due {
                        std::hint::spin_loop();
                    }
                    // IO blocks too: a synchronous request on the page's thread.
                    let value = blocking_value(ctx, i);
                    finish_task(ctx, i, 0, start, t0, value)
                })
                .collect::<Vec<_>>();
            Ok(tasks.into())
        })
    }
}
