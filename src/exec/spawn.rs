//! Thread per task: a fresh thread (in the browser a Web Worker on the
//! shared memory) is started for every task, then all are joined, like
//! `threading.Thread(...).start()` / `join()` per task. As in Python, each
//! start returns once its thread runs, so threads start one after another
//! while the started ones work. The start-up of each thread is part of the
//! wall time and reported on its own.

use std::sync::{Arc, Mutex, PoisonError};

use crate::core::run::record::Metric;

use super::{join_all, record, timed_task, ExecError, Executor, Host, Join, LocalFuture, Outcome, Run, RunContext};

pub struct ThreadPerTask;

/// A Web Worker per task costs ~100+ ms and a wasm instance each.
pub const MAX_THREADS: usize = 64;

/// Each thread writes its outcome and when it started running here.
type Slot = Arc<Mutex<Option<(Outcome, f64)>>>;

impl Executor for ThreadPerTask {
    fn threads(&self, ctx: &RunContext) -> u32 {
        ctx.workload.task_count() as u32
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, host: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, ExecError>> {
        Box::pin(async move {
            let n = ctx.workload.task_count();
            if n > MAX_THREADS {
                return Err(ExecError::TooManyThreads { tasks: n, max: MAX_THREADS });
            }
            let slots: Vec<Slot> = (0..n).map(|_| Arc::new(Mutex::new(None))).collect();
            let mut requested = Vec::with_capacity(n);
            let mut joins = Vec::with_capacity(n);
            for (i, slot) in slots.iter().enumerate() {
                let (ctx2, slot) = (ctx.clone(), slot.clone());
                requested.push(ctx.clock.now_ms());
                let started = host
                    .spawn_thread(Box::new(move || {
                        let began = ctx2.clock.now_ms();
                        let outcome = timed_task(&ctx2, i, i as u32, t0);
                        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some((outcome, began));
                    }))
                    .await;
                joins.push(started.unwrap_or_else(|why| -> Join { Box::pin(std::future::ready(Err(why))) }));
            }
            let joined = join_all(joins).await;
            let mut startup = Vec::new();
            let tasks = slots
                .iter()
                .zip(joined)
                .enumerate()
                .map(|(i, (slot, joined))| match (slot.lock().unwrap_or_else(PoisonError::into_inner).take(), joined) {
                    (Some((outcome, began)), _) => {
                        startup.push(began - requested[i]);
                        outcome
                    }
                    (None, result) => {
                        let mut rec = record(ctx, i, i as u32, requested[i], t0);
                        let why = result.err().map_or("the thread ended without a result".into(), |e| e.to_string());
                        rec.error = Some(why);
                        (None, rec)
                    }
                })
                .collect::<Vec<_>>();
            let mut run = Run::from(tasks);
            if !startup.is_empty() {
                run.metrics.insert(Metric::ThreadStartupMs, startup.iter().sum::<f64>() / startup.len() as f64);
            }
            Ok(run)
        })
    }
}
