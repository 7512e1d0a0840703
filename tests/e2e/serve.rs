//! The page as `scripts/serve.sh` serves it (`trunk serve`, with live
//! reload): its console stays clean.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{console_errors, wait_done, Browser};

/// Ends the server (trunk, which `exec` made the script's own process).
struct Serving(std::process::Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_page_served_by_serve_sh_has_a_clean_console() {
    let root = env!("CARGO_MANIFEST_DIR");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // Its own dist: the other tests use dist/.
    let serving = Serving(
        Command::new("bash")
            .current_dir(root)
            .args(["scripts/serve.sh", "--port", &port.to_string(), "--dist", "target/dist-serve"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("scripts/serve.sh"),
    );
    // The first build of the page takes a while.
    let deadline = Instant::now() + Duration::from_secs(600);
    let index = std::path::Path::new(root).join("target/dist-serve/index.html");
    while !(index.is_file() && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()) {
        assert!(Instant::now() < deadline, "scripts/serve.sh served nothing on port {port} within 600 s");
        std::thread::sleep(Duration::from_millis(500));
    }
    let browser = Browser::launch();
    browser.goto(&format!("http://127.0.0.1:{port}/?modes=pool&bounds=300000&repeat=1&warmup=0&autorun=1"));
    let doc = wait_done(&browser, 120);
    assert_eq!(doc["env"]["crossOriginIsolated"], true, "trunk serve sends the headers");
    assert_eq!(doc["runs"][0]["correct"], true);
    // Live reload connects (or would log its failure) within a moment.
    std::thread::sleep(Duration::from_secs(3));
    let errors = console_errors(&browser);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    drop(serving);
}
