use std::rc::Rc;

use yew::prelude::*;

use crate::core::run::document::ResultDoc;
use crate::ui::format::{group_digits, ms};

#[derive(Properties)]
pub struct Props {
    pub doc: Rc<ResultDoc>,
    pub index: usize,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc) && self.index == other.index
    }
}

/// Rows drawn at most; the CSV download has every task.
pub const MAX_ROWS: usize = 1_000;

/// Every task of one mode's run: what it covered, who ran it, how long.
#[component]
pub fn TaskTable(props: &Props) -> Html {
    let run = &props.doc.runs[props.index];
    html! {
        <>
        if run.tasks.len() > MAX_ROWS {
            <p class="note">{ format!("The first {MAX_ROWS} of {} tasks; Download CSV has them all.", run.tasks.len()) }</p>
        }
        <table class="tasks">
            <thead><tr>
                <th>{ "#" }</th><th>{ "Task" }</th><th>{ "Worker" }</th>
                <th class="num">{ "Start" }</th><th class="num">{ "Duration" }</th><th class="num">{ "Result" }</th>
            </tr></thead>
            <tbody>
                { for run.tasks.iter().take(MAX_ROWS).map(|t| html! {
                    <tr>
                        <td>{ t.index }</td>
                        <td>{ &t.label }</td>
                        <td>{ format!("w{}", t.worker) }</td>
                        <td class="num">{ ms(t.start_ms) }</td>
                        <td class="num">{ ms(t.duration_ms()) }</td>
                        <td class="num">
                            if let Some(e) = &t.error { <span class="no">{ e }</span> } else { { group_digits(&t.result) } }
                        </td>
                    </tr>
                }) }
            </tbody>
        </table>
        </>
    }
}
