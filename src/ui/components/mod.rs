//! One view per file, each rendering what it is given and sending
//! [`Action`](super::state::Action)s up: a component where it keeps its own
//! state or must skip redraws (props compared, documents by identity), a
//! plain function where it is small and cheap to redraw (each component
//! costs about 1 KB of the download).

use std::rc::Rc;

/// Same document, by identity: results can hold 100,000s of tasks, and
/// props are compared on every render.
pub(crate) fn same<T>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

mod env_panel;
mod lessons;
mod messages;
mod picture;
mod progress;
mod result_doc;
mod results;
mod setup_form;
mod share_bar;
mod shared_banner;
mod sweep_chart;
mod task_table;
mod timeline;

pub use env_panel::env_panel;
pub use lessons::{lessons, Props as LessonsView};
pub use messages::messages;
pub use picture::PictureView;
pub use progress::progress;
pub use result_doc::ResultDoc;
pub use results::Results;
pub use setup_form::SetupForm;
pub use shared_banner::shared_banner;
