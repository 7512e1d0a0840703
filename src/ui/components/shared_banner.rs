use std::rc::Rc;

use yew::prelude::*;

use crate::core::run::document::ResultDoc;

/// A result opened from a link: where it was measured, and "Run here".
/// A plain view, not a component: it is small and cheap to redraw.
pub fn shared_banner(doc: &Rc<ResultDoc>, on_run_here: &Callback<()>, can_run: bool) -> Html {
    let env = &doc.env;
    let isolation = if env.cross_origin_isolated { "cross-origin isolated" } else { "not isolated" };
    let on_click = on_run_here.reform(|_: MouseEvent| ());
    html! {
        <section class="panel shared" id="shared">
            <h2>{ "Shared results, measured elsewhere" }</h2>
            <p id="shared-env">
                { format!(
                    "{} · {} logical cores · {isolation} · Spindle {} · {} workers · {} repeat(s){}{}",
                    env.browser(),
                    env.hardware_concurrency,
                    doc.spindle,
                    doc.workers,
                    doc.repeat,
                    if doc.sweep { " · sweep" } else { "" },
                    if doc.cancelled { " · cancelled before the end" } else { "" },
                ) }
            </p>
            <p class="note">{ "These figures come from the link, not from this machine. Run here runs the same setup on this machine and shows both side by side." }</p>
            <button id="run-here" class="run" onclick={on_click} disabled={!can_run}>{ "Run here" }</button>
        </section>
    }
}
