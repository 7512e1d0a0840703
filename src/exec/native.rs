//! A [`Host`] on native threads, for the host tests and the benchmark's
//! native side: std threads for "thread per task", threads with their own
//! copy of nothing but the messages for "isolated workers", and a no-op
//! event loop. [`block_on`] drives the executors' futures.

use std::future::Future;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use std::path::PathBuf;
use std::sync::Arc;

use super::{record, timed_task, Host, IsolatedReport, Join, LocalFuture, RunContext};
use crate::core::io::{check_download, check_file_chunk, file_bytes, BlockingIo, Io, FILE_CHUNK};
use crate::core::workload::{LocalCells, SharedCells};

/// Drives a future to completion on this thread. Native futures here are
/// ready, or made ready by another thread or the clock, so polling in a
/// loop is enough.
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

pub struct NativeHost;

impl Host for NativeHost {
    fn yield_now(&self) -> LocalFuture<'static, ()> {
        Box::pin(std::future::ready(()))
    }

    fn sleep(&self, ms: f64) -> LocalFuture<'static, ()> {
        let due = Instant::now() + Duration::from_secs_f64(ms / 1e3);
        Box::pin(std::future::poll_fn(move |cx| {
            if Instant::now() >= due {
                Poll::Ready(())
            } else {
                // No timer to wake us: ask to be polled again (busy wait).
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }))
    }

    fn spawn_thread(&self, job: Box<dyn FnOnce() + Send>) -> LocalFuture<'static, Result<Join, String>> {
        // A native thread runs as soon as it is spawned.
        let handle = std::thread::spawn(job);
        let join: Join = Box::pin(std::future::poll_fn(move |cx| {
            if handle.is_finished() {
                Poll::Ready(Ok(()))
            } else {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }));
        Box::pin(std::future::ready(Ok(join)))
    }

    fn run_isolated(&self, ctx: &RunContext, t0: f64) -> LocalFuture<'static, Result<IsolatedReport, String>> {
        let ctx = ctx.clone();
        Box::pin(async move {
            let n = ctx.workload.task_count();
            // Memory shared on purpose (`multiprocessing.Value`): each task
            // then runs on its own copy of the workload, sharing only the cells.
            let cells = ctx.workload.shared_cells();
            let cells = (cells > 0).then(|| -> Arc<dyn SharedCells> { Arc::new(LocalCells::new(cells)) });
            if let Some(cells) = &cells {
                ctx.workload.share(cells.clone());
            }
            let tasks = std::thread::scope(|s| {
                let handles: Vec<_> = (0..n)
                    .map(|i| {
                        let (ctx, cells) = (&ctx, cells.clone());
                        s.spawn(move || {
                            let worker = (i % ctx.workers as usize) as u32;
                            match cells {
                                None => timed_task(ctx, i, worker, t0),
                                Some(cells) => {
                                    let own = ctx.copy().expect("the workload was built from these params");
                                    own.workload.share(cells);
                                    timed_task(&own, i, worker, t0)
                                }
                            }
                        })
                    })
                    .collect();
                // A panicking task ends only its own thread.
                handles
                    .into_iter()
                    .enumerate()
                    .map(|(i, h)| {
                        h.join().unwrap_or_else(|_| {
                            let mut rec = record(&ctx, i, 0, t0, t0);
                            rec.error = Some("worker crashed".into());
                            (None, rec)
                        })
                    })
                    .collect()
            });
            Ok(IsolatedReport { tasks, message_ms: 0.0, startup_ms: 0.0, replaced: 0, reused: 0, items_passed: 0 })
        })
    }

    fn io(&self, ctx: &RunContext, io: &Io) -> LocalFuture<'static, Result<u64, String>> {
        Box::pin(std::future::ready(ctx.io.perform(io)))
    }
}

/// Blocking IO on the host's file system, under `root`: a download reads
/// `root/path`; a file copy writes, copies (`std::fs::copy`, i.e.
/// `shutil.copy`), checks and deletes in `root`.
#[derive(Debug, Clone)]
pub struct DirIo {
    pub root: PathBuf,
}

impl BlockingIo for DirIo {
    fn perform(&self, io: &Io) -> Result<u64, String> {
        let err = |e: std::io::Error| e.to_string();
        match io {
            Io::Fetch { path, bytes } => {
                let body = std::fs::read(self.root.join(path)).map_err(err)?;
                check_download(body, *bytes)
            }
            Io::Files { name, bytes, seed } => {
                let (src, dst) = (self.root.join(name), self.root.join(format!("{name}.copy")));
                let result = (|| {
                    let mut data = vec![0u8; *bytes as usize];
                    file_bytes(*seed, 0, &mut data);
                    std::fs::write(&src, &data).map_err(err)?;
                    std::fs::copy(&src, &dst).map_err(err)?;
                    let copy = std::fs::read(&dst).map_err(err)?;
                    if copy.len() as u64 != *bytes {
                        return Err(format!("the copy has {} bytes, expected {bytes}", copy.len()));
                    }
                    for (k, chunk) in copy.chunks(FILE_CHUNK).enumerate() {
                        check_file_chunk(*seed, (k * FILE_CHUNK) as u64, chunk)?;
                    }
                    Ok(*bytes)
                })();
                let _ = std::fs::remove_file(&src);
                let _ = std::fs::remove_file(&dst);
                result
            }
        }
    }
}
