use yew::prelude::*;

use crate::ui::state::Action;

/// What was wrong with the input, and what the page used instead. A plain
/// view, not a component: small and cheap to redraw.
pub fn messages(messages: &[String], on_action: &Callback<Action>) -> Html {
    if messages.is_empty() {
        return html! {};
    }
    let dismiss = on_action.reform(|_: MouseEvent| Action::DismissMessages);
    html! {
        <section id="messages" class="messages" role="alert">
            <ul>{ for messages.iter().map(|m| html! { <li>{ m }</li> }) }</ul>
            <button class="dismiss" onclick={dismiss}>{ "Dismiss" }</button>
        </section>
    }
}
