//! A static file server for `dist/`, on 127.0.0.1 with a free port, with or
//! without the two cross-origin isolation headers. Std only; one thread per
//! connection; it lives as long as the test process.
//!
//! It caches as a static host should (and as `www/_headers` asks): files
//! trunk names by their content's hash may be kept for good; the others
//! are revalidated on every use (ETag, 304). Each of the page's workers
//! imports the page's glue module again, so this matters: in the bench,
//! a thread per task (24 threads, each a new worker) started in 34 / 31 ms
//! a thread instead of 40 / 40 ms with `no-store` (Chromium / Firefox).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::thread;

pub struct Server {
    pub port: u16,
}

impl Server {
    pub fn start(root: PathBuf, isolated: bool) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let port = listener.local_addr().unwrap().port();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                thread::spawn(move || {
                    let _ = serve(stream, &root, isolated);
                });
            }
        });
        Server { port }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://127.0.0.1:{}{path_and_query}", self.port)
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

fn serve(stream: TcpStream, root: &Path, isolated: bool) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut if_none_match = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(value.trim().to_string());
            }
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut file = root.to_path_buf();
    for c in Path::new(path.trim_start_matches('/')).components() {
        if let Component::Normal(part) = c {
            file.push(part);
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    // A revalidated file that has not changed is answered from its
    // metadata alone, without reading it.
    let (status, body, kind, caching) = match std::fs::metadata(&file).ok().filter(|m| m.is_file()) {
        None => ("404 Not Found", b"not found".to_vec(), "text/plain", "Cache-Control: no-store\r\n".to_string()),
        Some(_) if fingerprinted(&file) => (
            "200 OK",
            std::fs::read(&file)?,
            content_type(&file),
            "Cache-Control: public, max-age=31536000, immutable\r\n".to_string(),
        ),
        Some(meta) => {
            let tag = etag(&meta);
            let caching = format!("Cache-Control: no-cache\r\nETag: {tag}\r\n");
            if if_none_match.as_deref() == Some(tag.as_str()) {
                ("304 Not Modified", Vec::new(), content_type(&file), caching)
            } else {
                ("200 OK", std::fs::read(&file)?, content_type(&file), caching)
            }
        }
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{caching}Connection: close\r\n",
        body.len()
    )?;
    if isolated {
        write!(out, "Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n")?;
    }
    write!(out, "\r\n")?;
    out.write_all(&body)?;
    out.flush()
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

/// A validator that changes when the file does (size and modification time).
fn etag(meta: &std::fs::Metadata) -> String {
    let modified =
        meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
    format!("\"{:x}-{modified:x}\"", meta.len())
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
