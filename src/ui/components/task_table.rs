use yew::prelude::*;

use crate::core::record::RunRecord;
use crate::ui::format::{group_digits, ms};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: RunRecord,
}

/// Every task of one mode's run: what it covered, who ran it, how long.
#[component]
pub fn TaskTable(props: &Props) -> Html {
    let run = &props.run;
    html! {
        <table class="tasks">
            <thead><tr>
                <th>{ "#" }</th><th>{ "Task" }</th><th>{ "Worker" }</th>
                <th class="num">{ "Start" }</th><th class="num">{ "Duration" }</th><th class="num">{ "Result" }</th>
            </tr></thead>
            <tbody>
                { for run.tasks.iter().map(|t| html! {
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
    }
}
