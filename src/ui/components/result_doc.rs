use yew::prelude::*;

use crate::ui::state::RunStatus;

#[derive(Properties)]
pub struct Props {
    pub run: RunStatus,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        match (&self.run, &other.run) {
            (RunStatus::Done(a), RunStatus::Done(b)) => std::rc::Rc::ptr_eq(a, b),
            (RunStatus::Running(_), RunStatus::Running(_)) => true,
            (a, b) => a == b,
        }
    }
}

/// `#spindle-result`: the machine-readable result. `data-state` is idle,
/// running, done or error; once done the text is the JSON result document,
/// on error the message.
#[component]
pub fn ResultDoc(props: &Props) -> Html {
    let text = match &props.run {
        RunStatus::Idle | RunStatus::Running { .. } => String::new(),
        RunStatus::Done(doc) => doc.to_json(),
        RunStatus::Error(e) => e.clone(),
    };
    html! {
        <details class="panel json">
            <summary>{ "Result as JSON" }</summary>
            <pre id="spindle-result" data-state={props.run.name()}>{ text }</pre>
        </details>
    }
}
