//! The app shell: owns the state (one reducer), the compute worker client,
//! the main-thread meter and the URL sync, and carries out each [`Step`] of
//! a run; the components render.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};

use yew::prelude::*;

use super::components::{env_panel, messages, progress, shared_banner};
use super::components::{lessons, LessonsView, PictureView, ResultDoc, Results, SetupForm};
use super::state::{Action, PoolStatus, RunStatus, State, Step};
use crate::core::mode::{Mode, Place};
use crate::core::run::clock::Clock;
use crate::core::run::record::RunRecord;
use crate::core::session::protocol::{ProgressReport, RunRequest};
use crate::exec::{self, ExecError, RunContext};
use crate::platform::clock::SharedClock;
use crate::platform::host::BrowserHost;
use crate::platform::io::BrowserIo;
use crate::platform::meter::MainThreadMeter;
use crate::platform::progress::Reporter;
use crate::platform::worker_client::{ClientEvent, ComputeClient};
use crate::platform::{env, share, url};

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

fn action_for(event: ClientEvent) -> Action {
    let now = SharedClock.now_ms();
    match event {
        ClientEvent::PoolStarting { threads } => Action::PoolStarting { threads },
        ClientEvent::PoolReady(info) => Action::PoolReady(info),
        ClientEvent::ModeDone { id, run } => Action::ModeDone { id, run, at: now },
        ClientEvent::RunFailed { id, error } => Action::RunFailed { id, error },
        ClientEvent::Crashed(error) => Action::ModeCrashed { error, at: now },
        ClientEvent::WorkerFailed(error) => Action::PoolFailed(error),
        ClientEvent::Picture(picture) => Action::Picture(picture),
    }
}

thread_local! {
    // Bumped by Cancel: a page mode started before it stops at its next
    // turn of the event loop.
    static CANCELS: Cell<u32> = const { Cell::new(0) };
}

/// A future that ends (with `None`) at its first poll after a Cancel.
struct Cancellable<F> {
    inner: Pin<Box<F>>,
    generation: u32,
}

impl<F: Future> Future for Cancellable<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if CANCELS.with(Cell::get) != self.generation {
            return Poll::Ready(None);
        }
        self.inner.as_mut().poll(cx).map(Some)
    }
}

/// Runs a page mode (main thread, cooperative) here, on the main thread;
/// `None` if cancelled.
async fn run_on_page(mode: Mode, request: RunRequest) -> Option<Result<RunRecord, ExecError>> {
    let generation = CANCELS.with(Cell::get);
    let run = async move {
        let ctx = RunContext::build(
            &request.workload,
            &request.params,
            request.workers,
            request.switch_ms,
            request.panic_task,
            Arc::new(SharedClock),
            Arc::new(BrowserIo),
        )?
        .with_progress(Arc::new(Reporter::new(request.id, request.step)));
        let reference = ctx.workload.reference();
        Ok(exec::run_mode(mode, &ctx, &BrowserHost, reference.as_ref(), request.baseline.as_deref()).await)
    };
    Cancellable { inner: Box::pin(run), generation }.await
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| State::new(&url::query(), &url::fragment(), env::read()));
    let meter = use_memo((), |_| MainThreadMeter::start());
    let client = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| ComputeClient::new(move |event| dispatcher.dispatch(action_for(event))))
    };

    // Once, at load: start the pool (so the first run does not wait for
    // it), tell the tests the page is up, ask the service worker's loader
    // whether an unisolated page stays so, and read a share link in the
    // address once the page is shown (reading may take a moment).
    {
        let client = client.clone();
        let start = matches!(state.pool, PoolStatus::Starting { .. }).then_some(state.setup.workers);
        let (settled, fragment, dispatcher) = (state.isolation_settled, state.link_to_read.clone(), state.dispatcher());
        use_effect_with((), move |_| {
            if let Some(threads) = start {
                client.start(threads);
            }
            env::mark_ready();
            if !settled {
                let dispatcher = dispatcher.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    dispatcher.dispatch(Action::IsolationSettled(env::why_not_isolated().await));
                });
            }
            if let Some(fragment) = fragment {
                wasm_bindgen_futures::spawn_local(async move {
                    let read = share::decode(&fragment).await.map(Rc::new).map_err(|e| e.to_string());
                    dispatcher.dispatch(Action::LinkRead(read));
                });
            }
        });
    }

    // "Copy link": the link is made with the browser's own compression.
    {
        let doc = state.link_wanted.then(|| state.result()).flatten();
        let dispatcher = state.dispatcher();
        use_effect_with(doc.as_ref().map(|d| Rc::as_ptr(d) as usize), move |wanted| {
            if wanted.is_some() {
                if let Some(doc) = doc {
                    wasm_bindgen_futures::spawn_local(async move {
                        dispatcher.dispatch(Action::LinkMade(share::encode(&doc).await));
                    });
                }
            }
        });
    }

    // The setup (or the open lesson) always stands in the URL.
    use_effect_with(state.address(), |query| url::replace_query(query));

    // Carry out the next step of a run in progress, once per step.
    {
        let step = state.progress().and_then(|p| p.next_step().map(|s| (p.request.id, p.done.len(), s)));
        let (state, client, meter) = (state.clone(), client.clone(), meter.clone());
        use_effect_with(step, move |step| {
            let Some((id, _, step)) = *step else { return };
            let Some(progress) = state.progress().cloned() else { return };
            let dispatcher = state.dispatcher();
            match step {
                Step::Start { index, step } => {
                    dispatcher.dispatch(Action::ModeStarted { id, index, at: SharedClock.now_ms() });
                    let Some(request) = progress.request_for(index) else { return };
                    // The page draws what the last step changed (its
                    // results, the progress line) before this one starts,
                    // not while this one competes for the cores.
                    let generation = CANCELS.with(Cell::get);
                    meter.after_drawing(move || {
                        if CANCELS.with(Cell::get) != generation {
                            return;
                        }
                        match step.mode.place() {
                            Place::Worker => client.run(request, step.workers),
                            Place::Page => wasm_bindgen_futures::spawn_local(async move {
                                let action = match run_on_page(step.mode, request).await {
                                    Some(Ok(run)) => Action::ModeDone { id, run, at: SharedClock.now_ms() },
                                    Some(Err(error)) => Action::RunFailed { id: Some(id), error: error.to_string() },
                                    None => return,
                                };
                                dispatcher.dispatch(action);
                            }),
                        }
                    });
                }
                Step::Measure { start, end } => {
                    let meter2 = meter.clone();
                    meter.after_next_frame(move || {
                        let responsiveness = meter2.responsiveness(start, end);
                        dispatcher.dispatch(Action::ModeMeasured { id, responsiveness });
                    });
                }
                Step::Finish => dispatcher.dispatch(Action::RunFinished { id }),
            }
        });
    }

    // While a run is in progress: the main thread looked at every 16 ms,
    // and the elapsed time and the latest task count every 100 ms, in one
    // render (Yew renders the two actions once).
    {
        let (dispatcher, client) = (state.dispatcher(), client.clone());
        let meter = meter.clone();
        use_effect_with(state.is_running(), move |&running| {
            if running {
                meter.watch(move || {
                    if let Some(ProgressReport { id, step, done }) = client.take_count() {
                        dispatcher.dispatch(Action::TaskProgress { id, step, done });
                    }
                    dispatcher.dispatch(Action::Tick { at: SharedClock.now_ms() });
                });
            }
            move || meter.stop()
        });
    }

    // After a run, the picture of what was computed (workloads that draw),
    // unless the same setup's picture is shown already.
    {
        let (client, dispatcher) = (client.clone(), state.dispatcher());
        use_effect_with(state.picture_wanted(), move |wanted| {
            if let Some((workload, params)) = wanted {
                if client.picture(workload, params) {
                    dispatcher.dispatch(Action::PictureAsked { workload: workload.clone(), params: params.clone() });
                }
            }
        });
    }

    let run = {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(Action::RunStarted { at: SharedClock.now_ms() }))
    };
    let run_lesson = {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(Action::RunLesson { at: SharedClock.now_ms() }))
    };
    let run_here = {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(Action::RunHere { at: SharedClock.now_ms() }))
    };

    // Cancel: stop the work where it runs, then keep what finished.
    let cancel = {
        let (state, client) = (state.clone(), client.clone());
        Callback::from(move |()| {
            let Some(p) = state.progress() else { return };
            CANCELS.with(|c| c.set(c.get().wrapping_add(1)));
            if p.current_step().is_some_and(|s| s.mode.place() == Place::Worker) {
                client.cancel();
            }
            state.dispatch(Action::Cancel);
        })
    };

    // autorun=1: run once the pool is ready (or at once if only page modes).
    {
        // A pool that could not start: what runs on the page runs.
        // Without isolation, once the page knows it will not reload.
        let page_only = state.setup.modes.iter().all(|m| m.place() == Place::Page);
        let ready = matches!(state.pool, PoolStatus::Ready(_) | PoolStatus::Failed(_))
            || (state.isolation_settled && (page_only || matches!(state.pool, PoolStatus::Unavailable(_))));
        let go = state.autorun_pending && ready;
        let run = run.clone();
        use_effect_with(go, move |&go| {
            if go {
                run.emit(());
            }
        });
    }

    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };

    html! {
        <main>
            <header>
                <h1>{ "Spindle" }</h1>
                <p class="tagline">
                    { "The same work, run eight ways: sequentially, on the page's own thread, on threads, a thread pool, a GIL, isolated workers, async and cooperatively. Timed, checked and measured." }
                </p>
                <nav class="top">
                    <a href="#lessons" id="nav-lessons">{ "Lessons" }</a>
                    <a href="#setup">{ "Lab bench" }</a>
                    <a href="#results">{ "Results" }</a>
                </nav>
            </header>
            { messages(&state.messages, &dispatch) }
            { lessons(&LessonsView {
                lesson: state.lesson,
                run: state.lesson_run.as_ref(),
                shared: state.shared.as_ref(),
                shared_verdict: state.shared_verdict.as_ref(),
                running: state.is_running(),
                cores: state.env.hardware_concurrency,
                on_action: &dispatch,
                on_run: &run_lesson,
            }) }
            <div class="columns">
                <SetupForm
                    setup={state.setup.clone()}
                    env={state.env.clone()}
                    cannot_run={state.cannot_run()}
                    running={state.is_running()}
                    on_action={dispatch.clone()}
                    on_run={run}
                />
                { env_panel(&state.env, &state.pool) }
            </div>
            if let Some(doc) = &state.shared {
                { shared_banner(doc, &run_here, state.cannot_run().is_none()) }
            }
            if let Some(p) = state.progress() {
                { progress(p, &cancel) }
            }
            <PictureView picture={state.picture.clone()} />
            <Results
                here={state.result()}
                shared={state.shared.clone()}
                error={match &state.run { RunStatus::Error(e) => Some(e.clone()), _ => None }}
                done={matches!(state.run, RunStatus::Done(_))}
                link={state.link.clone()}
                on_action={dispatch.clone()}
                cores={state.env.hardware_concurrency}
            />
            <ResultDoc run={state.run.clone()} />
        </main>
    }
}
