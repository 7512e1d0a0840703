use yew::prelude::*;

use crate::ui::format::ms;
use crate::ui::state::Progress;

/// During a run: what runs now, tasks done of all, time elapsed, Cancel.
/// A plain view, not a component: it changes at every tick anyway.
pub fn progress(p: &Progress, on_cancel: &Callback<()>) -> Html {
    let (done, total) = p.tasks();
    let step = p.current_step();
    let now = match step {
        Some(s) => {
            let round = if s.warmup {
                "warm-up".to_string()
            } else {
                format!("repeat {} of {}", s.round + u32::from(!p.setup.warmup), p.setup.repeat)
            };
            let workers = if p.setup.sweep { format!(", {} workers", s.workers) } else { String::new() };
            format!("{} ({round}{workers})", s.mode.name())
        }
        None => "finishing".into(),
    };
    let on_cancel = on_cancel.reform(|_: MouseEvent| ());
    html! {
        <section class="panel progress-panel" id="progress" aria-live="polite">
            <div class="progress-line">
                <span id="progress-now">{ format!("Running {now}: step {} of {}", (p.done.len() + 1).min(p.plan.len()), p.plan.len()) }</span>
                <button id="cancel" class="cancel" onclick={on_cancel}>{ "Cancel" }</button>
            </div>
            <progress id="progress-bar" max={total.max(1).to_string()} value={done.to_string()} />
            <p class="progress-figures">
                <span id="progress-tasks">{ format!("{done} / {total} tasks") }</span>
                { " · " }
                <span id="progress-elapsed">{ format!("{} elapsed", ms(p.elapsed_ms())) }</span>
            </p>
        </section>
    }
}
