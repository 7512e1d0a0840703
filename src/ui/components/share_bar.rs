use std::rc::Rc;

use yew::prelude::*;

use crate::core::run::document::ResultDoc;
use crate::core::session::export;
use crate::core::session::share::Link;
use crate::platform::{share, url};
use crate::ui::state::Action;

#[derive(Properties)]
pub struct Props {
    pub doc: Rc<ResultDoc>,
    pub link: Option<Link>,
    pub on_action: Callback<Action>,
    /// The run is over: until then the buttons are disabled.
    pub done: bool,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc)
            && (&self.link, &self.on_action, self.done) == (&other.link, &other.on_action, other.done)
    }
}

/// Copy link, and the downloads: JSON (the result document) and CSV (one
/// row per task).
#[component]
pub fn ShareBar(props: &Props) -> Html {
    let copied = use_state(|| None::<bool>);
    let address = props.link.as_ref().map(|l| format!("{}?{}#{}", url::base(), props.doc.setup, l.fragment));
    {
        let copied = copied.clone();
        use_effect_with(address.clone(), move |address| {
            copied.set(None);
            if let Some(address) = address.clone() {
                wasm_bindgen_futures::spawn_local(async move { copied.set(Some(share::copy(&address).await)) });
            }
        });
    }
    let on_copy = props.on_action.reform(|_: MouseEvent| Action::MakeLink);
    let json = {
        let doc = props.doc.clone();
        Callback::from(move |_: MouseEvent| {
            share::download(&export::file_name(&doc, "json"), "application/json", &share::indented(&doc.to_json()))
        })
    };
    let csv = {
        let doc = props.doc.clone();
        Callback::from(move |_: MouseEvent| {
            share::download(&export::file_name(&doc, "csv"), "text/csv", &export::tasks_csv(&doc))
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            input.select();
        }
    });
    html! {
        <div class="share-bar" id="share-bar">
            <button id="copy-link" onclick={on_copy} disabled={!props.done}>{ "Copy link" }</button>
            <button id="download-json" onclick={json} disabled={!props.done}>{ "Download JSON" }</button>
            <button id="download-csv" onclick={csv} disabled={!props.done}>{ "Download CSV" }</button>
            if let Some(address) = address {
                <input id="share-link" type="text" readonly=true value={address.clone()} onfocus={select_all}
                    aria-label="Share link" />
                <span class="note" id="share-status">
                    { match *copied {
                        Some(true) => "Copied to the clipboard. ",
                        Some(false) => "The browser kept the clipboard closed: select the link and copy it. ",
                        None => "",
                    } }
                    { format!("{} characters; the result travels in the fragment (after #), which browsers never send to a server.", address.len()) }
                    if props.link.as_ref().is_some_and(|l| l.tasks_left_out) {
                        { " Per-task records were left out to keep the link short; download the JSON for them." }
                    }
                </span>
            }
        </div>
    }
}
