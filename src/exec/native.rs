//! A [`Host`] on native threads, for the host tests and the benchmark's
//! native side: std threads for "thread per task", threads with their own
//! copy of the workload and channels for "isolated workers", and a no-op
//! event loop. [`block_on`] drives the executors' futures.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::task::Poll;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::isolated::{worker_setup, worker_task, Scheduler};
use super::{ExecError, Host, IsolatedReport, Join, LocalFuture, RunContext};
use crate::core::session::protocol::{FromWorker, ToWorker};
use crate::core::workload::io::{check_download, check_file_chunk, file_bytes, BlockingIo, Io, IoError, FILE_CHUNK};
use crate::core::workload::{LocalCells, SharedCells};

/// Drives a future to completion on this thread (`futures`' executor):
/// native futures here are made ready by another thread or the clock.
pub use futures::executor::block_on;

/// Native threads for the modes' threads and workers. Isolated workers
/// are threads too, each with its own copy of the workload, driven by the
/// same [`Scheduler`] as Web Workers in the browser, through channels.
#[derive(Debug, Default, Clone, Copy)]
pub struct NativeHost {
    /// Isolated worker `k` starts `k × stagger_ms` later than the first,
    /// as a fresh worker does beside one reused from the last run: for
    /// tests of the scheduling.
    pub stagger_ms: u64,
    /// Isolated workers never answer (a script that hangs), with this
    /// start-up timeout in ms: for tests of what the run does then.
    pub silent_workers: Option<f64>,
}

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

    fn spawn_thread(&self, job: Box<dyn FnOnce() + Send>) -> LocalFuture<'static, Result<Join, ExecError>> {
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

    fn run_isolated(&self, ctx: &RunContext, t0: f64) -> LocalFuture<'static, Result<IsolatedReport, ExecError>> {
        let (ctx, stagger, silent) = (ctx.clone(), Duration::from_millis(self.stagger_ms), self.silent_workers);
        Box::pin(async move {
            let mut scheduler = Scheduler::new(&ctx, t0);
            if let Some(ms) = silent {
                scheduler = scheduler.with_start_timeout(ms);
            }
            // Memory shared on purpose (`multiprocessing.Value`).
            let cells = ctx.workload.traits().cells.map(|uses| -> Arc<dyn SharedCells> {
                let cells = Arc::new(LocalCells::new(uses.cell_count()));
                uses.share(cells.clone());
                cells
            });
            let (events, inbox) = mpsc::channel();
            let start = |slot: usize, generation: u32| {
                Worker {
                    slot,
                    generation,
                    events: events.clone(),
                    cells: cells.clone(),
                    ctx: ctx.clone(),
                    delay: stagger * slot as u32,
                    silent: silent.is_some(),
                }
                .spawn()
            };
            let mut workers: Vec<_> = (0..scheduler.slots()).map(|s| start(s, 0)).collect();
            let mut ended = Vec::new();
            while !scheduler.is_done() {
                let out = match inbox.recv_timeout(Duration::from_millis(50)) {
                    Ok((slot, generation, Event::Message(message))) => scheduler.message(slot, generation, message),
                    Ok((slot, generation, Event::Crashed(why))) => scheduler.crashed(slot, generation, why),
                    Err(RecvTimeoutError::Timeout) => scheduler.check_start_up(),
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err(ExecError::Platform("every worker is gone".into()));
                    }
                };
                for (s, message) in out {
                    let _ = workers[s].0.send(message);
                }
                while let Some((s, generation)) = scheduler.replacement() {
                    ended.push(std::mem::replace(&mut workers[s], start(s, generation)));
                }
            }
            // A closed channel ends a worker.
            for (sender, handle) in workers.into_iter().chain(ended) {
                drop(sender);
                let _ = handle.join();
            }
            Ok(scheduler.report())
        })
    }

    fn io(&self, ctx: &RunContext, io: &Io) -> LocalFuture<'static, Result<u64, IoError>> {
        Box::pin(std::future::ready(ctx.io.perform(io)))
    }
}

/// What a worker thread tells the scheduler.
enum Event {
    Message(FromWorker),
    /// The worker died (its task panicked).
    Crashed(String),
}

/// An isolated worker on a native thread: its own copy of the workload,
/// messages in and out.
struct Worker {
    slot: usize,
    generation: u32,
    events: Sender<(usize, u32, Event)>,
    cells: Option<Arc<dyn SharedCells>>,
    ctx: RunContext,
    delay: Duration,
    /// Never answers.
    silent: bool,
}

impl Worker {
    fn spawn(self) -> (Sender<ToWorker>, JoinHandle<()>) {
        let (sender, inbox) = mpsc::channel();
        (sender, std::thread::spawn(move || self.run(inbox)))
    }

    fn send(&self, event: Event) {
        let _ = self.events.send((self.slot, self.generation, event));
    }

    /// Like `www/compute.js` with `platform::compute`: says it is loaded,
    /// then answers messages until its channel closes or a task panics.
    fn run(self, inbox: Receiver<ToWorker>) {
        if self.silent {
            while inbox.recv().is_ok() {}
            return;
        }
        std::thread::sleep(self.delay);
        self.send(Event::Message(FromWorker::Loaded));
        let mut copy: Option<(RunContext, u32, f64)> = None;
        while let Ok(message) = inbox.recv() {
            match message {
                ToWorker::Setup(setup) => {
                    let (clock, io) = (self.ctx.clock.clone(), self.ctx.io.clone());
                    match worker_setup(&setup, clock, io, self.cells.clone()) {
                        Ok(ctx) => copy = Some((ctx, setup.slot, setup.t0)),
                        Err(error) => {
                            self.send(Event::Message(FromWorker::Failed { id: None, error: error.to_string() }))
                        }
                    }
                }
                ToWorker::Task { index } => {
                    let Some((ctx, slot, t0)) = &copy else {
                        let error = "a task came before its setup".to_string();
                        self.send(Event::Message(FromWorker::Failed { id: None, error }));
                        continue;
                    };
                    let host = WorkerHost { ctx, inbox: &inbox };
                    let task = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        block_on(worker_task(ctx, &host, index, *slot, *t0))
                    }));
                    match task {
                        Ok(messages) => messages.into_iter().for_each(|m| self.send(Event::Message(m))),
                        Err(panic) => {
                            let what = panic
                                .downcast_ref::<&str>()
                                .map(|s| s.to_string())
                                .or_else(|| panic.downcast_ref::<String>().cloned())
                                .unwrap_or_else(|| "a panic".into());
                            return self.send(Event::Crashed(format!("panic: {what}")));
                        }
                    }
                }
                ToWorker::Items { items, last } => give(copy.as_ref().map(|c| &c.0), &items, last),
                ToWorker::Init { .. } | ToWorker::Run(_) | ToWorker::Picture { .. } => {}
            }
        }
    }
}

/// Items that reach a worker go to its copy of the workload.
fn give(ctx: Option<&RunContext>, items: &[u64], last: bool) {
    if let Some(exchange) = ctx.and_then(|c| c.workload.traits().exchange) {
        exchange.give_items(items, last);
    }
}

/// A worker thread's event loop while a task waits for items: each turn
/// hands it the items that arrived.
struct WorkerHost<'a> {
    ctx: &'a RunContext,
    inbox: &'a Receiver<ToWorker>,
}

impl Host for WorkerHost<'_> {
    fn yield_now(&self) -> LocalFuture<'static, ()> {
        match self.inbox.recv_timeout(Duration::from_millis(1)) {
            Ok(ToWorker::Items { items, last }) => give(Some(self.ctx), &items, last),
            // The scheduler sends nothing else to a busy worker.
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => panic!("the run ended while a task waited for items"),
        }
        Box::pin(std::future::ready(()))
    }

    fn sleep(&self, ms: f64) -> LocalFuture<'static, ()> {
        NativeHost::default().sleep(ms)
    }

    fn spawn_thread(&self, job: Box<dyn FnOnce() + Send>) -> LocalFuture<'static, Result<Join, ExecError>> {
        NativeHost::default().spawn_thread(job)
    }

    fn run_isolated(&self, ctx: &RunContext, t0: f64) -> LocalFuture<'static, Result<IsolatedReport, ExecError>> {
        NativeHost::default().run_isolated(ctx, t0)
    }

    fn io(&self, ctx: &RunContext, io: &Io) -> LocalFuture<'static, Result<u64, IoError>> {
        NativeHost::default().io(ctx, io)
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
    fn perform(&self, io: &Io) -> Result<u64, IoError> {
        let err = |e: std::io::Error| IoError::Refused(e.to_string());
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
                        return Err(IoError::WrongLength { got: copy.len() as u64, expected: *bytes });
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
