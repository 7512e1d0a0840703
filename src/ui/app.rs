//! The app shell: owns the state (one reducer), the compute worker client,
//! the frame meter and the URL sync, and carries out each [`Step`] of a
//! run; the components render.

use std::rc::Rc;
use std::sync::Arc;

use yew::prelude::*;

use super::components::{EnvPanel, Messages, PictureView, ResultDoc, Results, SetupForm};
use super::state::{Action, PoolStatus, RunStatus, State, Step};
use crate::core::clock::Clock;
use crate::core::mode::{Mode, Place};
use crate::core::protocol::RunRequest;
use crate::core::record::RunRecord;
use crate::exec::{self, RunContext};
use crate::platform::clock::SharedClock;
use crate::platform::frames::FrameMeter;
use crate::platform::host::BrowserHost;
use crate::platform::io::BrowserIo;
use crate::platform::worker_client::{ClientEvent, ComputeClient};
use crate::platform::{env, url};

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

/// Runs a page mode (main thread, cooperative) here, on the main thread.
async fn run_on_page(mode: Mode, request: &RunRequest) -> Result<RunRecord, String> {
    let ctx = RunContext::build(
        &request.workload,
        &request.params,
        request.workers,
        request.switch_ms,
        request.panic_task,
        Arc::new(SharedClock),
        Arc::new(BrowserIo),
    )?;
    let reference = ctx.workload.reference();
    Ok(exec::run_mode(mode, &ctx, &BrowserHost, reference.as_ref(), request.baseline.as_deref()).await)
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| State::new(&url::query(), env::read()));
    let meter = use_memo((), |_| FrameMeter::start());
    let client = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| ComputeClient::new(move |event| dispatcher.dispatch(action_for(event))))
    };

    // Start the pool at load, so the first run does not wait for it.
    {
        let client = client.clone();
        let start = matches!(state.pool, PoolStatus::Starting { .. }).then_some(state.setup.workers);
        use_effect_with((), move |_| {
            if let Some(threads) = start {
                client.start(threads);
            }
        });
    }

    use_effect_with((), |_| env::mark_ready());

    // The setup always stands in the URL.
    use_effect_with(state.setup.to_query(), |query| url::replace_query(query));

    // Carry out the next step of a run in progress, once per step.
    {
        let step = state.progress().and_then(|p| p.next_step().map(|s| (p.request.id, p.done.len(), s)));
        let (state, client, meter) = (state.clone(), client.clone(), meter.clone());
        use_effect_with(step, move |step| {
            let Some((id, _, step)) = *step else { return };
            let Some(progress) = state.progress().cloned() else { return };
            let dispatcher = state.dispatcher();
            match step {
                Step::Start(mode) => {
                    dispatcher.dispatch(Action::ModeStarted { id, mode, at: SharedClock.now_ms() });
                    let request = progress.request_for(mode);
                    match mode.place() {
                        Place::Worker => client.run(request, progress.workers),
                        // One frame first, so the page shows what is about to run.
                        Place::Page => meter.after_next_frame(move || {
                            wasm_bindgen_futures::spawn_local(async move {
                                let action = match run_on_page(mode, &request).await {
                                    Ok(run) => Action::ModeDone { id, run, at: SharedClock.now_ms() },
                                    Err(error) => Action::RunFailed { id: Some(id), error },
                                };
                                dispatcher.dispatch(action);
                            })
                        }),
                    }
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

    // After a run, the picture of what was computed (workloads that draw).
    {
        let done = match &state.run {
            RunStatus::Done(doc) => Some((doc.workload.clone(), doc.params.clone(), state.next_run_id)),
            _ => None,
        };
        let client = client.clone();
        use_effect_with(done, move |done| {
            if let Some((workload, params, _)) = done {
                client.picture(workload, params);
            }
        });
    }

    let run = {
        let state = state.clone();
        Callback::from(move |()| {
            if state.cannot_run().is_none() {
                state.dispatch(Action::RunStarted { request: state.run_request(), workers: state.setup.workers });
            }
        })
    };

    // autorun=1: run once the pool is ready (or at once if only page modes).
    {
        let ready =
            matches!(state.pool, PoolStatus::Ready(_)) || state.setup.modes.iter().all(|m| m.place() == Place::Page);
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
            </header>
            <Messages messages={state.messages.clone()} on_action={dispatch.clone()} />
            <div class="columns">
                <SetupForm
                    setup={state.setup.clone()}
                    env={state.env.clone()}
                    cannot_run={state.cannot_run()}
                    running={state.is_running()}
                    on_action={dispatch}
                    on_run={run}
                />
                <EnvPanel env={state.env.clone()} pool={state.pool.clone()} />
            </div>
            <PictureView picture={state.picture.clone()} />
            <Results run={state.run.clone()} />
            <ResultDoc run={state.run.clone()} />
        </main>
    }
}
