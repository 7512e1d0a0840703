use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::core::mode::Mode;
use crate::core::run::document::EnvInfo;
use crate::core::session::setup::{worker_range, Setup};
use crate::core::workload::CATALOGUE;
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub setup: Setup,
    pub env: EnvInfo,
    pub cannot_run: Option<String>,
    pub running: bool,
    pub on_action: Callback<Action>,
    pub on_run: Callback<()>,
}

/// Workload, its parameters, worker count, modes, Run.
#[component]
pub fn SetupForm(props: &Props) -> Html {
    let setup = &props.setup;
    let workload = setup.workload;
    // The tutorial by its subject, then the example it gives.
    let (subject, example) = workload.source.split_once(": ").unwrap_or((workload.source, ""));

    let on_workload =
        props.on_action.reform(|e: Event| Action::SetWorkload(e.target_unchecked_into::<HtmlSelectElement>().value()));
    let on_workers = props.on_action.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetWorkers(value.parse().unwrap_or(0))
    });
    let on_run = props.on_run.reform(|_: MouseEvent| ());

    let params = workload.params.iter().map(|spec| {
        let key = spec.key.to_string();
        let onchange = props.on_action.reform(move |e: Event| Action::SetParam {
            key: key.clone(),
            value: e.target_unchecked_into::<HtmlInputElement>().value(),
        });
        let value = setup.params.get(spec.key).cloned().unwrap_or_default();
        let id = format!("param-{}", spec.key);
        html! {
            <div class="field">
                <label for={id.clone()}>{ spec.label }</label>
                <input id={id} type="text" spellcheck="false" {value} {onchange}
                    placeholder={if spec.default.is_empty() { "none" } else { spec.default }} />
                <small>{ spec.help }</small>
            </div>
        }
    });

    let isolated = props.env.cross_origin_isolated;
    let work = setup.build();
    let modes = Mode::ALL.iter().map(|&mode| {
        let onchange = props.on_action.reform(move |_: Event| Action::ToggleMode(mode));
        let checked = setup.modes.contains(&mode);
        let unsupported = crate::core::workload::unsupported(&*work, mode);
        let unavailable = (mode.needs_isolation() && !isolated) || unsupported.is_some();
        let id = format!("mode-{}", mode.id());
        html! {
            <li class={classes!(unavailable.then_some("unavailable"))} title={mode.about()}>
                <label for={id.clone()}>
                    <input id={id} type="checkbox" {checked} {onchange} disabled={props.running || unsupported.is_some()} />
                    <strong>{ mode.name() }</strong>
                    <code class="mode-id">{ mode.id() }</code>
                    if let Some(why) = unsupported {
                        <em class="unsupported">{ format!(" (not for this workload: {why})") }</em>
                    } else if unavailable {
                        <em>{ " (needs a cross-origin isolated page)" }</em>
                    }
                </label>
                <p class="python">{ "Python: " }<code>{ mode.python() }</code></p>
            </li>
        }
    });
    let on_switch =
        props.on_action.reform(|e: Event| Action::SetSwitch(e.target_unchecked_into::<HtmlInputElement>().value()));
    let on_panic =
        props.on_action.reform(|e: Event| Action::SetPanic(e.target_unchecked_into::<HtmlInputElement>().value()));

    let on_repeat =
        props.on_action.reform(|e: Event| Action::SetRepeat(e.target_unchecked_into::<HtmlInputElement>().value()));
    let on_warmup =
        props.on_action.reform(|e: Event| Action::SetWarmup(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let on_sweep =
        props.on_action.reform(|e: Event| Action::SetSweep(e.target_unchecked_into::<HtmlInputElement>().checked()));
    let range = worker_range(props.env.hardware_concurrency);
    let workers = range.clone().map(|n| {
        let label = if n == props.env.hardware_concurrency { format!("{n} (= cores)") } else { n.to_string() };
        html! { <option value={n.to_string()} selected={n == setup.workers}>{ label }</option> }
    });

    html! {
        <section class="panel setup" id="setup">
            <h2>{ "Setup" }</h2>
            <div class="field">
                <label for="workload">{ "Workload" }</label>
                <select id="workload" onchange={on_workload}>
                    { for CATALOGUE.iter().map(|w| html! {
                        <option value={w.id} selected={w.id == workload.id}>{ w.name }</option>
                    }) }
                </select>
                <small>{ workload.kind }</small>
            </div>
            <p class="about">{ workload.about }</p>
            <p class="source">{ "From " }{ subject }{ ": " }<code>{ example }</code></p>
            { for params }
            <div class="field">
                <label for="workers">{ "Workers" }</label>
                <select id="workers" onchange={on_workers} disabled={props.running}>{ for workers }</select>
                <small>{ format!("threads in the pool: 1 … 2 × cores ({})", range.end()) }</small>
            </div>
            <div class="field">
                <label for="repeat">{ "Repeats" }</label>
                <input id="repeat" type="number" min="1" max="20" value={setup.repeat.to_string()} onchange={on_repeat}
                    disabled={props.running} />
                <small>
                    <label><input id="warmup" type="checkbox" checked={setup.warmup} onchange={on_warmup} disabled={props.running} />
                        { " warm-up run first (not counted)" }</label>
                    { " · measured runs per mode, 1 … 20; the table shows their median, min and max" }
                </small>
            </div>
            <div class="field">
                <span>{ "Sweep" }</span>
                <label><input id="sweep" type="checkbox" checked={setup.sweep} onchange={on_sweep} disabled={props.running} />
                    { format!(" run at every worker count, 1 … {}, and chart the speedup", range.end()) }</label>
            </div>
            <fieldset>
                <legend>{ "Modes" }</legend>
                <p class="hint">{ "Hover a mode for what it is; the results explain each one next to its numbers." }</p>
                <ul class="modes">{ for modes }</ul>
            </fieldset>
            <details class="advanced">
                <summary>{ "Advanced: GIL switch interval, crash a task" }</summary>
                <div class="field">
                    <label for="switch">{ "GIL switch" }</label>
                    <input id="switch" type="number" min="1" max="100" value={setup.switch_ms.to_string()} onchange={on_switch} />
                    <small>{ "ms a thread may hold the GIL while others wait (CPython: 5); 1 … 100" }</small>
                </div>
                <div class="field">
                    <label for="panic">{ "Panic in task" }</label>
                    <input id="panic" type="number" min="0" placeholder="none"
                        value={setup.panic_task.map(|i| i.to_string()).unwrap_or_default()} onchange={on_panic} />
                    <small>{ "this task panics: isolated workers lose one worker, the shared pool loses all its threads" }</small>
                </div>
            </details>
            <button id="run" class="run" onclick={on_run} disabled={props.cannot_run.is_some()}>
                { if props.running { "Running…" } else { "Run" } }
            </button>
            if let Some(why) = props.cannot_run.as_ref().filter(|_| !props.running) {
                <p class="why-not">{ why }</p>
            }
        </section>
    }
}
