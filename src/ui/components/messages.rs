use yew::prelude::*;

use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub messages: Vec<String>,
    pub on_action: Callback<Action>,
}

/// What was wrong with the input, and what the page used instead.
#[component]
pub fn Messages(props: &Props) -> Html {
    if props.messages.is_empty() {
        return html! {};
    }
    let dismiss = props.on_action.reform(|_: MouseEvent| Action::DismissMessages);
    html! {
        <section id="messages" class="messages" role="alert">
            <ul>{ for props.messages.iter().map(|m| html! { <li>{ m }</li> }) }</ul>
            <button class="dismiss" onclick={dismiss}>{ "Dismiss" }</button>
        </section>
    }
}
