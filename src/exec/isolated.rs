//! Isolated workers: like processes. N workers, each with its own wasm
//! instance and memory; every task and result is copied by message. The
//! scheduling (an idle worker gets the next task; a crashed worker is
//! replaced) is the host's, since it is all messages and workers.

use super::{Executor, Host, LocalFuture, Run, RunContext};

pub struct Isolated;

impl Executor for Isolated {
    fn threads(&self, ctx: &RunContext) -> u32 {
        ctx.workers
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, host: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, String>> {
        Box::pin(async move {
            let report = host.run_isolated(ctx, t0).await?;
            let mut run = Run::from(report.tasks);
            run.metrics.insert("message_ms".into(), report.message_ms);
            if report.reused < ctx.workers.min(ctx.workload.task_count() as u32) as usize {
                run.metrics.insert("worker_startup_ms".into(), report.startup_ms);
            }
            run.metrics.insert("workers_reused".into(), report.reused as f64);
            run.metrics.insert("workers_replaced".into(), report.replaced as f64);
            if report.items_passed > 0 {
                run.metrics.insert("items_by_message".into(), report.items_passed as f64);
            }
            Ok(run)
        })
    }
}
