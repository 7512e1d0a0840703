//! Cooperative: on the page's own thread, each task runs in slices; after
//! every slice the scheduler moves on to the next task, round robin, and
//! gives the event loop a turn every few milliseconds, as a generator-based
//! event loop does with `yield`. Tasks interleave and the page stays alive.

use super::{record, Executor, Host, LocalFuture, Run, RunContext};

pub struct Cooperative;

/// Longest stretch without giving the page's event loop a turn.
const BUDGET_MS: f64 = 8.0;

impl Executor for Cooperative {
    fn threads(&self, _: &RunContext) -> u32 {
        1
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, host: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, String>> {
        Box::pin(async move {
            if let Some(why) = ctx.workload.main_thread_limit() {
                return Err(format!("not run on the main thread: {why}"));
            }
            let w = &ctx.workload;
            let n = w.task_count();
            let mut values = vec![0u64; n];
            let mut next_slice = vec![0usize; n];
            let mut started: Vec<Option<f64>> = vec![None; n];
            let mut records = vec![None; n];
            let mut last_yield = ctx.clock.now_ms();
            let mut yields = 0u32;
            while records.iter().any(Option::is_none) {
                let mut worked = false;
                let mut next_due = f64::INFINITY;
                for i in 0..n {
                    if records[i].is_some() {
                        continue;
                    }
                    let start = *started[i].get_or_insert_with(|| ctx.clock.now_ms());
                    if ctx.panic_task == Some(i) {
                        let mut rec = record(ctx, i, 0, start, t0);
                        rec.error = Some("panic injected; not raised on the page's own thread".into());
                        records[i] = Some((None, rec));
                        continue;
                    }
                    // A waiting task is skipped until it is due, like a
                    // generator waiting on a timer.
                    let due = start + w.wait_ms(i);
                    if ctx.clock.now_ms() < due {
                        next_due = next_due.min(due);
                        continue;
                    }
                    worked = true;
                    values[i] = values[i].wrapping_add(w.run_slice(i, next_slice[i]));
                    next_slice[i] += 1;
                    if next_slice[i] >= w.slice_count(i) {
                        let mut rec = record(ctx, i, 0, start, t0);
                        rec.result = values[i].to_string();
                        records[i] = Some((Some(values[i]), rec));
                    }
                    if ctx.clock.now_ms() - last_yield >= BUDGET_MS {
                        host.yield_now().await;
                        yields += 1;
                        last_yield = ctx.clock.now_ms();
                    }
                }
                if !worked && next_due.is_finite() {
                    // Everyone waits: sleep until the first is due.
                    host.sleep(next_due - ctx.clock.now_ms()).await;
                    yields += 1;
                    last_yield = ctx.clock.now_ms();
                }
            }
            let mut run = Run::from(records.into_iter().map(|r| r.expect("every task finished")).collect::<Vec<_>>());
            run.metrics.insert("yields".into(), yields as f64);
            Ok(run)
        })
    }
}
