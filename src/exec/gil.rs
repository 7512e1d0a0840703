//! GIL emulation: the pool's threads must hold one global lock to run a
//! slice of work and hand it over every switch interval when another thread
//! waits (see `core::run::gil`). CPU-bound work gets no faster with more threads.

use rayon::prelude::*;

use super::{
    block_for, blocking_value, finish_task, maybe_panic, record, sliced, stepped, task_io, task_result,
    wait_for_others, wait_ms, ExecError, Executor, Host, LocalFuture, Run, RunContext,
};
use crate::core::run::gil::Gil;
use crate::core::run::record::Metric;

pub struct GilPool;

impl Executor for GilPool {
    fn threads(&self, _: &RunContext) -> u32 {
        rayon::current_num_threads() as u32
    }

    fn run<'a>(&'a self, ctx: &'a RunContext, _: &'a dyn Host, t0: f64) -> LocalFuture<'a, Result<Run, ExecError>> {
        Box::pin(async move {
            let gil = Gil::new(ctx.switch_ms);
            let clock = &ctx.clock;
            let tasks: Vec<_> = (0..ctx.workload.task_count())
                .into_par_iter()
                .with_max_len(1)
                .map(|i| {
                    let worker = rayon::current_thread_index().unwrap_or(0) as u32;
                    let start = clock.now_ms();
                    // Waiting and IO happen without the GIL: they overlap.
                    block_for(wait_ms(ctx, i));
                    if task_io(ctx, i).is_some() {
                        maybe_panic(ctx, i);
                        let value = blocking_value(ctx, i);
                        // Back under the GIL to hand the result to Python.
                        gil.acquire();
                        gil.release();
                        return finish_task(ctx, i, worker, start, t0, value);
                    }
                    gil.acquire();
                    maybe_panic(ctx, i);
                    let mut held_since = clock.now_ms();
                    let mut value = 0u64;
                    match sliced(ctx, i) {
                        Some((work, slices)) => {
                            for s in 0..slices {
                                value = value.wrapping_add(work.run_slice(i, s));
                                if gil.maybe_switch(clock.now_ms() - held_since) {
                                    held_since = clock.now_ms();
                                }
                            }
                        }
                        // Whole, or a task that waits for others (a
                        // consumer): it lets go of the GIL while it waits.
                        None => {
                            value = stepped(ctx, i, || {
                                gil.release();
                                wait_for_others();
                                gil.acquire();
                            });
                        }
                    }
                    gil.release();
                    let mut rec = record(ctx, i, worker, start, t0);
                    rec.result = task_result(ctx, i, value);
                    (Some(value), rec)
                })
                .collect();
            let mut run = Run::from(tasks);
            run.metrics.insert(Metric::Switches, gil.switches() as f64);
            run.metrics.insert(Metric::SwitchIntervalMs, ctx.switch_ms);
            Ok(run)
        })
    }
}
