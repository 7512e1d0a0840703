//! The app shell: owns the state (one reducer), the compute worker client
//! and the URL sync; the components render.

use std::rc::Rc;

use yew::prelude::*;

use super::components::{EnvPanel, Messages, ResultDoc, Results, SetupForm};
use super::state::{Action, PoolStatus, State};
use crate::platform::worker_client::{ClientEvent, ComputeClient};
use crate::platform::{env, url};

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

fn action_for(event: ClientEvent) -> Action {
    match event {
        ClientEvent::PoolStarting { threads } => Action::PoolStarting { threads },
        ClientEvent::PoolReady(info) => Action::PoolReady(info),
        ClientEvent::ModeDone { id, run } => Action::ModeDone { id, run },
        ClientEvent::Finished { id } => Action::RunFinished { id },
        ClientEvent::RunFailed { id, error } => Action::RunFailed { id, error },
        ClientEvent::WorkerFailed(error) => Action::PoolFailed(error),
    }
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| State::new(&url::query(), env::read()));

    let client = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            ComputeClient::new(move |event| dispatcher.dispatch(action_for(event)))
        })
    };

    // Start the pool at load, so the first run does not wait for it.
    {
        let client = client.clone();
        let start =
            matches!(state.pool, PoolStatus::Starting { .. }).then_some(state.setup.workers);
        use_effect_with((), move |_| {
            if let Some(threads) = start {
                client.start(threads);
            }
        });
    }

    // The setup always stands in the URL.
    use_effect_with(state.setup.to_query(), |query| url::replace_query(query));

    let run = {
        let state = state.clone();
        let client = client.clone();
        Callback::from(move |()| {
            if state.cannot_run().is_some() {
                return;
            }
            let request = state.run_request();
            let workers = state.setup.workers;
            state.dispatch(Action::RunStarted {
                request: request.clone(),
                workers,
            });
            client.run(request, workers);
        })
    };

    // autorun=1: run once the pool is ready.
    {
        let ready = matches!(state.pool, PoolStatus::Ready(_));
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
                    { "The same work, run sequentially and on a shared-memory thread pool of Web Workers: timed, checked and drawn." }
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
            <Results run={state.run.clone()} />
            <ResultDoc run={state.run.clone()} />
        </main>
    }
}
