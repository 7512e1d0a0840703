//! Cooperative: on the page's own thread, each task runs in slices; after
//! every slice the scheduler moves on to the next task, round robin, and
//! gives the event loop a turn every few milliseconds, as a generator-based
//! event loop does with `yield`. Tasks interleave and the page stays alive.

use std::future::poll_fn;
use std::task::{Context, Poll};

use crate::core::run::record::Metric;
use crate::core::workload::io::IoError;

use super::{
    finish_task, record, sliced, step, task_io, task_result, wait_ms, ExecError, Executor, Host, LocalFuture, Run,
    RunContext,
};

/// IO in flight, by task.
type Pending = Vec<Option<LocalFuture<'static, Result<u64, IoError>>>>;

/// Polls every IO in flight once; the finished ones, by task.
fn poll_pending(pending: &mut Pending, cx: &mut Context<'_>) -> Vec<(usize, Result<u64, IoError>)> {
    let mut done = Vec::new();
    for (i, slot) in pending.iter_mut().enumerate() {
        if let Some(Poll::Ready(r)) = slot.as_mut().map(|f| f.as_mut().poll(cx)) {
            done.push((i, r));
            *slot = None;
        }
    }
    done
}

pub struct Cooperative;

/// Longest stretch without giving the page's event loop a turn.
const BUDGET_MS: f64 = 8.0;

impl Executor for Cooperative {
    fn threads(&self, _: &RunContext) -> u32 {
        1
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, host: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, ExecError>> {
        Box::pin(async move {
            // No main-thread limit here: the limits are for the main-thread
            // mode, which blocks the page. This mode gives the event loop a
            // turn every few ms, waits on real timers and IO, and stops at
            // the next turn when cancelled.
            let w = &ctx.workload;
            let n = w.task_count();
            let mut values = vec![0u64; n];
            let mut next_slice = vec![0usize; n];
            let mut started: Vec<Option<f64>> = vec![None; n];
            let mut records = vec![None; n];
            let mut pending: Pending = (0..n).map(|_| None).collect();
            let mut in_flight = vec![false; n];
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
                    let due = start + wait_ms(ctx, i);
                    if ctx.clock.now_ms() < due {
                        next_due = next_due.min(due);
                        continue;
                    }
                    if in_flight[i] {
                        continue; // its IO is awaited below
                    }
                    if let Some(io) = task_io(ctx, i) {
                        // Start the IO and move on: the event loop does it.
                        pending[i] = Some(host.io(ctx, &io));
                        in_flight[i] = true;
                        worked = true;
                        continue;
                    }
                    let slices = sliced(ctx, i);
                    let value = match slices {
                        Some((work, _)) => work.run_slice(i, next_slice[i]),
                        None => match step(ctx, i) {
                            Some(value) => value,
                            None => continue, // waits for other tasks: next one
                        },
                    };
                    worked = true;
                    values[i] = values[i].wrapping_add(value);
                    next_slice[i] += 1;
                    if next_slice[i] >= slices.map_or(1, |(_, n)| n) {
                        let mut rec = record(ctx, i, 0, start, t0);
                        rec.result = task_result(ctx, i, values[i]);
                        records[i] = Some((Some(values[i]), rec));
                    }
                    if ctx.clock.now_ms() - last_yield >= BUDGET_MS {
                        host.yield_now().await;
                        yields += 1;
                        last_yield = ctx.clock.now_ms();
                    }
                }
                // Collect finished IO; when nobody can work, wait for the
                // first IO to finish or the first timer to be due.
                let idle = !worked;
                let mut timer = (idle && next_due.is_finite()).then(|| host.sleep(next_due - ctx.clock.now_ms()));
                let done = poll_fn(|cx| {
                    let done = poll_pending(&mut pending, cx);
                    let timer_due = timer.as_mut().is_some_and(|t| t.as_mut().poll(cx).is_ready());
                    let nothing_to_await = timer.is_none() && pending.iter().all(Option::is_none);
                    if !idle || !done.is_empty() || timer_due || nothing_to_await {
                        Poll::Ready(done)
                    } else {
                        Poll::Pending
                    }
                })
                .await;
                if idle {
                    if timer.is_none() && pending.iter().all(Option::is_none) {
                        host.yield_now().await; // only tasks waiting for others
                    }
                    yields += 1;
                    last_yield = ctx.clock.now_ms();
                }
                for (i, value) in done {
                    let start = started[i].expect("started before its IO");
                    records[i] = Some(finish_task(ctx, i, 0, start, t0, value.map_err(ExecError::Io)));
                }
            }
            let mut run = Run::from(records.into_iter().map(|r| r.expect("every task finished")).collect::<Vec<_>>());
            run.metrics.insert(Metric::Yields, yields as f64);
            Ok(run)
        })
    }
}
