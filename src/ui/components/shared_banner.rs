use std::rc::Rc;

use yew::prelude::*;

use crate::core::run::document::ResultDoc;

#[derive(Properties)]
pub struct Props {
    pub doc: Rc<ResultDoc>,
    pub on_run_here: Callback<()>,
    pub can_run: bool,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc) && (&self.on_run_here, self.can_run) == (&other.on_run_here, other.can_run)
    }
}

/// A result opened from a link: where it was measured, and "Run here".
#[component]
pub fn SharedBanner(props: &Props) -> Html {
    let doc = &props.doc;
    let env = &doc.env;
    let isolation = if env.cross_origin_isolated { "cross-origin isolated" } else { "not isolated" };
    let on_click = props.on_run_here.reform(|_: MouseEvent| ());
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
            <button id="run-here" class="run" onclick={on_click} disabled={!props.can_run}>{ "Run here" }</button>
        </section>
    }
}
