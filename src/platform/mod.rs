//! Browser glue, and the only home of it: the clock all workers share, the
//! compute worker (both sides of it), threads and isolated workers for the
//! modes, the frame meter, the URL and the environment checks. Everything
//! here converts types and calls into `core`/`exec`.

pub mod clock;
pub mod compute;
pub mod env;
pub mod frames;
pub mod host;
pub mod isolated;
pub mod url;
pub mod worker_client;
