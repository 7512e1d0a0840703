use yew::prelude::*;

use crate::core::run::document::EnvInfo;
use crate::ui::format::ms;
use crate::ui::state::PoolStatus;

fn yes_no(value: bool) -> Html {
    html! { <span class={if value { "yes" } else { "no" }}>{ if value { "yes" } else { "no" } }</span> }
}

/// The browser's side of the story: isolation, cores, pool. A plain view,
/// not a component: small and cheap to redraw.
pub fn env_panel(env: &EnvInfo, pool: &PoolStatus) -> Html {
    let (pool_size, startup, status) = match pool {
        PoolStatus::Unavailable(_) => {
            ("—".to_string(), "—".to_string(), html! { <span class="no">{ "unavailable" }</span> })
        }
        PoolStatus::Starting { threads } => (threads.to_string(), "…".into(), html! { { "starting…" } }),
        PoolStatus::Ready(info) => (
            info.threads.to_string(),
            format!("{} (worker ready in {})", ms(info.startup_ms), ms(info.worker_ready_ms)),
            html! { <span class="yes">{ "ready" }</span> },
        ),
        PoolStatus::Failed(e) => ("—".into(), "—".into(), html! { <span class="no">{ format!("failed: {e}") }</span> }),
    };
    html! {
        <section class="panel env" id="env">
            <h2>{ "Environment" }</h2>
            <dl>
                <dt>{ "Cross-origin isolated" }</dt><dd id="env-isolated">{ yes_no(env.cross_origin_isolated) }</dd>
                <dt>{ "SharedArrayBuffer" }</dt><dd>{ yes_no(env.shared_array_buffer) }</dd>
                <dt>{ "Cores, as reported" }</dt>
                <dd id="env-cores" title="navigator.hardwareConcurrency">{ env.hardware_concurrency }</dd>
                <dt>{ "Browser" }</dt><dd title={env.user_agent.clone()}>{ env.browser() }</dd>
                <dt>{ "Thread pool" }</dt><dd id="env-pool">{ status }</dd>
                <dt>{ "Pool size" }</dt><dd id="env-pool-size">{ pool_size }</dd>
                <dt>{ "Pool start-up" }</dt><dd>{ startup }</dd>
            </dl>
            <p class="note" id="cores-note">
                { "The browser's navigator.hardwareConcurrency, not always this machine's cores: Safari and WebKit \
                   may report more than there are. The default worker count and the sweep's range follow it; \
                   speedup stops growing at the real core count." }
            </p>
            if let PoolStatus::Unavailable(why) = pool {
                <p class="warning" id="isolation-warning">{ why }</p>
            }
            if let PoolStatus::Failed(why) = pool {
                <p class="warning" id="pool-warning">
                    { format!("The thread pool could not start here: {why}. Main thread and Cooperative still run \
                               on the page; the other modes are listed as not run. Reload the page to try again.") }
                </p>
            }
        </section>
    }
}
