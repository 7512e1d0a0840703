//! A static file server for `dist/` on 127.0.0.1 with a free port, with or
//! without the two cross-origin isolation headers: `tower-http`'s
//! `ServeDir` under `axum`, on a thread of its own; it stops when the
//! [`Server`] is dropped.
//!
//! It caches as a static host should (and as `www/_headers` asks): files
//! trunk names by their content's hash may be kept for good; the others
//! are revalidated on every use (`Last-Modified`, 304). Each of the page's
//! workers imports the page's glue module again, so this matters for the
//! benchmark's thread start-up.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{HeaderValue, ACCEPT, CACHE_CONTROL};
use axum::http::HeaderName;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

pub struct Server {
    pub port: u16,
    /// The path the files are served under: "" or e.g. "/spindle".
    base: String,
    pages: Arc<AtomicUsize>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// `root` at `/`, with the isolation headers or none.
    pub fn start(root: PathBuf, isolated: bool) -> Server {
        Server::start_under(root, isolated, "")
    }

    /// `root` under `base` (e.g. "/spindle", for a build made with
    /// `--public-url /spindle/`), as a static host serves a project site.
    pub fn start_under(root: PathBuf, isolated: bool, base: &str) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let pages = Arc::new(AtomicUsize::new(0));
        let (counter, prefix) = (pages.clone(), base.to_string());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a Tokio runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("a Tokio listener");
                let app = router(root, isolated, &prefix, counter);
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Server { port, base: base.to_string(), pages, stop: Some(stop), thread: Some(thread) }
    }

    /// The address of `path_and_query` ("/?workers=2") under the base.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://127.0.0.1:{}{}{path_and_query}", self.port, self.base)
    }

    /// How many pages were loaded so far: requests that accept HTML first
    /// (navigations, also when a service worker passes them on), not the
    /// worker's own fetches of the files.
    pub fn page_loads(&self) -> usize {
        self.pages.load(Ordering::SeqCst)
    }
}

impl Server {
    /// Stops serving and waits until the port refuses connections (open
    /// connections are closed once their request is answered).
    #[allow(dead_code)] // the offline tests'
    pub fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn router(root: PathBuf, isolated: bool, base: &str, pages: Arc<AtomicUsize>) -> Router {
    let files = ServeDir::new(root);
    let app =
        if base.is_empty() { Router::new().fallback_service(files) } else { Router::new().nest_service(base, files) };
    let mut app = app.layer(middleware::from_fn(caching)).layer(middleware::from_fn_with_state(pages, count_pages));
    if isolated {
        for (name, value) in
            [("cross-origin-opener-policy", "same-origin"), ("cross-origin-embedder-policy", "require-corp")]
        {
            app = app.layer(SetResponseHeaderLayer::overriding(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            ));
        }
    }
    app
}

async fn count_pages(State(pages): State<Arc<AtomicUsize>>, request: Request, next: Next) -> Response {
    let html = request.headers().get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if html {
        pages.fetch_add(1, Ordering::SeqCst);
    }
    next.run(request).await
}

/// `Cache-Control` by name: trunk's hashed files for good, the rest
/// revalidated (`ServeDir` answers `If-Modified-Since` with 304).
async fn caching(request: Request, next: Next) -> Response {
    let immutable = fingerprinted(Path::new(request.uri().path()));
    let mut response = next.run(request).await;
    let value = if !response.status().is_success() && response.status().as_u16() != 304 {
        "no-store"
    } else if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Whether trunk named this file by its content's hash (`name-<16 hex>.js`,
/// `name-<16 hex>_bg.wasm`): a new build gives new content a new name.
/// wasm-bindgen's `snippets/<crate>-<hash>/` directories are not: that
/// hash names the crate, not the files, so snippets are revalidated.
fn fingerprinted(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[test]
fn only_trunks_hashed_names_are_kept_for_good() {
    for name in
        ["spindle-page-1aa96923892a5e2d.js", "spindle-page-7adec1cecd51cb2d_bg.wasm", "style-a42acb0d5717c0e5.css"]
    {
        assert!(fingerprinted(Path::new("dist").join(name).as_path()), "{name}");
    }
    for name in [
        "index.html",
        "compute.js",
        "snippets/spindle-e02a32730d14dfb4/src/platform/host.js",
        "data/file-1aa96923892a5e2.bin",
        "page-1aa96923892a5e2g.js",
    ] {
        assert!(!fingerprinted(Path::new("dist").join(name).as_path()), "{name}");
    }
}
