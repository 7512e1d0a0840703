//! One component per file; each only renders its props and sends
//! [`Action`](super::state::Action)s up.

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

pub use env_panel::EnvPanel;
pub use messages::Messages;
pub use picture::PictureView;
pub use progress::ProgressView;
pub use result_doc::ResultDoc;
pub use results::Results;
pub use setup_form::SetupForm;
pub use shared_banner::SharedBanner;
