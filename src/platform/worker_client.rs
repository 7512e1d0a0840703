//! The page's side of the compute worker: starts it, restarts it for a new
//! pool size (wasm-bindgen-rayon's global pool cannot be resized) or after
//! a crash, and turns its messages into [`ClientEvent`]s. Never blocks:
//! everything here is `postMessage` and callbacks.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, ErrorEvent, Event, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::clock::SharedClock;
use super::compute::{js_error_text, CRASH_CHANNEL};
use crate::core::run::clock::Clock;
use crate::core::run::document::PoolInfo;
use crate::core::run::record::RunRecord;
use crate::core::session::protocol::{decode, encode, FromWorker, ProgressReport, RunRequest, ToWorker};
use crate::core::workload::{Params, Picture};

/// The module worker script, copied from `www/` into the build: sent the
/// page's glue URL and compiled module, it instantiates them and calls
/// `platform::compute::register`.
const WORKER_SCRIPT: &str = "./compute.js";

#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent {
    PoolStarting {
        threads: u32,
    },
    PoolReady(PoolInfo),
    ModeDone {
        id: u64,
        run: RunRecord,
    },
    RunFailed {
        id: Option<u64>,
        error: String,
    },
    /// A thread of the ready compute worker crashed (a panic in the pool
    /// kills the shared memory's threads); the worker is being restarted.
    Crashed(String),
    /// The worker itself failed (script not loadable, pool not startable).
    WorkerFailed(String),
    Picture(Picture),
}

type Handlers = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(Event)>);
type CrashListener = (BroadcastChannel, Closure<dyn FnMut(MessageEvent)>);

struct Inner {
    worker: Option<Worker>,
    /// Counts workers started; events of an older one are ignored.
    generation: u32,
    threads: u32,
    ready: bool,
    created_ms: f64,
    /// A run asked for before the pool was ready.
    pending: Option<RunRequest>,
    _handlers: Option<Handlers>,
    /// The previous worker's handlers: a restart can be called from inside
    /// one of them, which must not be dropped while it runs.
    _retired: Option<Handlers>,
    _crashes: Option<CrashListener>,
    _progress: Option<CrashListener>,
    /// The latest task count reported, until the page takes it.
    count: Option<ProgressReport>,
}

/// Handle to the compute worker; cheap to clone.
#[derive(Clone)]
pub struct ComputeClient {
    inner: Rc<RefCell<Inner>>,
    on_event: Rc<dyn Fn(ClientEvent)>,
}

impl PartialEq for ComputeClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Why a compute worker after the first may not start: WebKit starts one
/// per page load under the page's service worker.
fn restart_note(generation: u32) -> &'static str {
    if generation > 1 && super::env::under_service_worker() {
        ". A new compute worker did not start under the page's service worker: WebKit (Safari) starts one per \
         page load on a host that does not send the isolation headers itself. Reload the page: it starts with \
         the worker count in its address"
    } else {
        ""
    }
}

impl ComputeClient {
    pub fn new(on_event: impl Fn(ClientEvent) + 'static) -> Self {
        let inner = Inner {
            worker: None,
            generation: 0,
            threads: 0,
            ready: false,
            created_ms: 0.0,
            pending: None,
            _handlers: None,
            _retired: None,
            _crashes: None,
            _progress: None,
            count: None,
        };
        let client = ComputeClient { inner: Rc::new(RefCell::new(inner)), on_event: Rc::new(on_event) };
        client.listen_for_crashes();
        client.listen_for_progress();
        client
    }

    /// Any thread of a run (and the page's own modes) reports tasks done on
    /// a broadcast channel. The latest count is kept, not sent on as an
    /// event: the page shows it with its next tick ([`Self::take_count`]),
    /// so counts do not each redraw the page.
    fn listen_for_progress(&self) {
        let Ok(channel) = BroadcastChannel::new(super::progress::PROGRESS_CHANNEL) else { return };
        let weak = Rc::downgrade(&self.inner);
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let count = event.data().as_string().and_then(|text| decode::<ProgressReport>(&text).ok());
            if let (Some(count), Some(inner)) = (count, weak.upgrade()) {
                inner.borrow_mut().count = Some(count);
            }
        });
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        self.inner.borrow_mut()._progress = Some((channel, listener));
    }

    /// The latest task count reported since the last call, if any.
    pub fn take_count(&self) -> Option<ProgressReport> {
        self.inner.borrow_mut().count.take()
    }

    /// Stops whatever the compute worker is doing: ends it (its pool
    /// threads and isolated workers with it) and starts a fresh one of the
    /// same size in the background. A run waiting for the pool is dropped.
    pub fn cancel(&self) {
        let (live, threads) = {
            let mut inner = self.inner.borrow_mut();
            inner.pending = None;
            (inner.worker.is_some(), inner.threads)
        };
        if live {
            self.start(threads);
        }
    }

    /// A handle from inside a callback, if the client still exists.
    fn upgrade(weak: &Weak<RefCell<Inner>>, on_event: &Rc<dyn Fn(ClientEvent)>) -> Option<ComputeClient> {
        Some(ComputeClient { inner: weak.upgrade()?, on_event: on_event.clone() })
    }

    /// Threads of the compute worker report panics on a broadcast channel:
    /// a pool thread's parent is blocked waiting for it and cannot.
    fn listen_for_crashes(&self) {
        let Ok(channel) = BroadcastChannel::new(CRASH_CHANNEL) else { return };
        let (weak, on_event) = (Rc::downgrade(&self.inner), self.on_event.clone());
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(client) = ComputeClient::upgrade(&weak, &on_event) {
                let report = event.data().as_string().and_then(|text| decode::<FromWorker>(&text).ok());
                let error = match report {
                    Some(FromWorker::Panicked { error }) => error,
                    _ => "a worker thread crashed".into(),
                };
                client.crashed(error);
            }
        });
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        self.inner.borrow_mut()._crashes = Some((channel, listener));
    }

    /// A crash of the ready worker: restart it with the same pool size.
    /// Crashes while it is (re)starting are echoes of the same one.
    fn crashed(&self, error: String) {
        let (ready, threads) = {
            let inner = self.inner.borrow();
            (inner.ready, inner.threads)
        };
        if ready {
            (self.on_event)(ClientEvent::Crashed(error));
            self.start(threads);
        }
    }

    /// Starts a fresh compute worker with a pool of `threads`, ending the
    /// current one (and any run in it). A pending run is kept.
    pub fn start(&self, threads: u32) {
        let mut inner = self.inner.borrow_mut();
        if let Some(old) = inner.worker.take() {
            // Queued events of the old worker must reach neither a dropped
            // closure nor the page's console as an uncaught error.
            old.set_onmessage(None);
            super::swallow_errors(&old);
            old.terminate();
        }
        inner._retired = inner._handlers.take();
        inner.generation += 1;
        inner.ready = false;
        inner.threads = threads;
        inner.created_ms = SharedClock.now_ms();
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let event = if !super::env::module_workers() {
            ClientEvent::WorkerFailed(
                "this browser cannot start module workers (Worker with type \"module\"), which the thread pool and the \
                 isolated workers run on"
                    .into(),
            )
        } else {
            match Worker::new_with_options(WORKER_SCRIPT, &options) {
                Ok(worker) => {
                    let handlers = self.handlers(inner.generation);
                    worker.set_onmessage(Some(handlers.0.as_ref().unchecked_ref()));
                    worker.set_onerror(Some(handlers.1.as_ref().unchecked_ref()));
                    let _ = worker.post_message(&super::compute::boot_message());
                    inner.worker = Some(worker);
                    inner._handlers = Some(handlers);
                    self.time_out_start(inner.generation);
                    ClientEvent::PoolStarting { threads }
                }
                Err(e) => {
                    ClientEvent::WorkerFailed(format!("could not create the compute worker: {}", js_error_text(&e)))
                }
            }
        };
        drop(inner);
        (self.on_event)(event);
    }

    /// A worker that never answers (a script that hangs) fails after
    /// [`crate::exec::isolated::START_TIMEOUT_MS`], like one that does not
    /// load: the page then runs what it can without it.
    fn time_out_start(&self, generation: u32) {
        let (weak, on_event) = (Rc::downgrade(&self.inner), self.on_event.clone());
        let limit = crate::exec::isolated::START_TIMEOUT_MS;
        wasm_bindgen_futures::spawn_local(async move {
            super::timer::sleep(limit).await;
            let Some(client) = ComputeClient::current(&weak, &on_event, generation) else { return };
            if !client.inner.borrow().ready {
                let why =
                    format!("the compute worker did not answer within {:.0} s", limit / 1e3) + restart_note(generation);
                (client.on_event)(ClientEvent::WorkerFailed(why));
            }
        });
    }

    /// Runs `request` on a pool of `threads`, restarting the worker first
    /// if its pool has another size.
    pub fn run(&self, request: RunRequest, threads: u32) {
        let (live, ready) = {
            let inner = self.inner.borrow();
            (inner.worker.is_some() && inner.threads == threads, inner.ready)
        };
        if live && ready {
            self.post(&ToWorker::Run(request));
        } else {
            // Sent when the pool reports ready (`receive`); `start` keeps it.
            self.inner.borrow_mut().pending = Some(request);
            if !live {
                self.start(threads);
            }
        }
    }

    /// Asks for the workload's picture (answered only by workloads that
    /// draw); false if the worker is not ready to be asked.
    pub fn picture(&self, workload: &str, params: &Params) -> bool {
        let ready = self.inner.borrow().ready;
        if ready {
            self.post(&ToWorker::Picture { workload: workload.to_string(), params: params.clone() });
        }
        ready
    }

    fn post(&self, message: &ToWorker) {
        let result = match &self.inner.borrow().worker {
            Some(worker) => worker.post_message(&JsValue::from_str(&encode(message))),
            None => Ok(()),
        };
        if let Err(e) = result {
            (self.on_event)(ClientEvent::WorkerFailed(js_error_text(&e)));
        }
    }

    /// The client, if it still exists and `generation` is its current worker.
    fn current(weak: &Weak<RefCell<Inner>>, on_event: &Rc<dyn Fn(ClientEvent)>, generation: u32) -> Option<Self> {
        ComputeClient::upgrade(weak, on_event).filter(|c| c.inner.borrow().generation == generation)
    }

    fn handlers(&self, generation: u32) -> Handlers {
        let (weak, on_event) = (Rc::downgrade(&self.inner), self.on_event.clone());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let (Some(client), Some(text)) =
                (ComputeClient::current(&weak, &on_event, generation), event.data().as_string())
            {
                client.receive(&text);
            }
        });
        let (weak, on_event) = (Rc::downgrade(&self.inner), self.on_event.clone());
        // A script that does not load fires a plain `Event`, with no message.
        let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            let Some(client) = ComputeClient::current(&weak, &on_event, generation) else { return };
            let message = event.dyn_ref::<ErrorEvent>().map(ErrorEvent::message).unwrap_or_default();
            if client.inner.borrow().ready {
                client.crashed(message);
            } else {
                let message = if message.is_empty() { "the worker script could not be loaded".into() } else { message };
                (client.on_event)(ClientEvent::WorkerFailed(message + restart_note(generation)));
            }
        });
        (on_message, on_error)
    }

    fn receive(&self, text: &str) {
        let message = match decode::<FromWorker>(text) {
            Ok(m) => m,
            Err(error) => return (self.on_event)(ClientEvent::RunFailed { id: None, error: error.to_string() }),
        };
        let event = match message {
            FromWorker::Loaded => {
                let threads = self.inner.borrow().threads;
                return self.post(&ToWorker::Init { threads });
            }
            FromWorker::Ready { threads, startup_ms } => {
                let (pending, created_ms) = {
                    let mut inner = self.inner.borrow_mut();
                    inner.ready = true;
                    (inner.pending.take(), inner.created_ms)
                };
                let info = PoolInfo { threads, startup_ms, worker_ready_ms: SharedClock.now_ms() - created_ms };
                (self.on_event)(ClientEvent::PoolReady(info));
                if let Some(request) = pending {
                    self.post(&ToWorker::Run(request));
                }
                return;
            }
            FromWorker::PoolFailed { error } => {
                ClientEvent::WorkerFailed(format!("could not start the thread pool: {error}"))
            }
            FromWorker::ModeDone { id, run } => ClientEvent::ModeDone { id, run },
            // The page steps through a run itself (one mode per request).
            FromWorker::Finished { .. } => return,
            // A panic's own report; the crash itself follows (broadcast or
            // error event) and restarts the worker.
            FromWorker::Panicked { .. } => return,
            FromWorker::Failed { id, error } => ClientEvent::RunFailed { id, error },
            // Only isolated workers send these, to the compute worker.
            FromWorker::TaskDone { .. } | FromWorker::Put { .. } => return,
            FromWorker::Picture { width, height, pixels } => match crate::platform::share::from_base64(&pixels) {
                Ok(pixels) if pixels.len() == (width * height) as usize => {
                    ClientEvent::Picture(Picture { width, height, pixels })
                }
                _ => ClientEvent::RunFailed { id: None, error: "the picture arrived damaged".into() },
            },
        };
        (self.on_event)(event);
    }
}
