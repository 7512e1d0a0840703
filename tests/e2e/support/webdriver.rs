//! A small blocking WebDriver client (W3C protocol over HTTP/1.1, std
//! only) and a driver process per browser session: chromedriver for
//! Chromium, geckodriver for Firefox ESR.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A browser engine the client can drive, each through its own driver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Debian's `chromium` through `chromedriver` (`$CHROMIUM`, `$CHROMEDRIVER`).
    Chromium,
    /// Debian's `firefox-esr` through `geckodriver` (`$FIREFOX`, `$GECKODRIVER`).
    Firefox,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox ESR",
        }
    }

    fn binaries(self) -> [(&'static str, &'static [&'static str]); 2] {
        match self {
            Engine::Chromium => {
                [("CHROMEDRIVER", &["chromedriver"]), ("CHROMIUM", &["chromium", "chromium-browser", "google-chrome"])]
            }
            Engine::Firefox => [("GECKODRIVER", &["geckodriver"]), ("FIREFOX", &["firefox-esr", "firefox"])],
        }
    }

    /// The driver and the browser, when both are installed.
    fn locate(self) -> Option<(String, String)> {
        let [driver, browser] = self.binaries();
        Some((lookup(driver.0, driver.1)?, lookup(browser.0, browser.1)?))
    }

    #[allow(dead_code)] // the benchmark's
    pub fn available(self) -> bool {
        self.locate().is_some()
    }

    /// What the browser says of its version, e.g. "Mozilla Firefox 153.8.0esr".
    #[allow(dead_code)] // the benchmark's
    pub fn version(self) -> String {
        let Some((_, browser)) = self.locate() else {
            return format!("{} (not installed)", self.name());
        };
        Command::new(browser)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    }
}

/// A headless browser driven through its WebDriver server. Dropping it
/// ends both.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// As the machine's notes say: as root, without GPU or network services,
/// in a fresh profile.
fn chromium_capabilities(chromium: &str, profile: &std::path::Path) -> Value {
    json!({
        "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": { "browser": "ALL" },
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}
    })
}

/// geckodriver makes a fresh profile per session, with its prefs that keep
/// Firefox off the network; these add the few it leaves on.
fn firefox_capabilities(firefox: &str) -> Value {
    json!({
        "capabilities": { "alwaysMatch": {
            "browserName": "firefox",
            "moz:firefoxOptions": {
                "binary": firefox,
                "args": ["-headless", "--width=1280", "--height=1000"],
                "prefs": {
                    "app.update.disabledForTesting": true,
                    "browser.safebrowsing.update.enabled": false,
                    "network.captive-portal-service.enabled": false,
                    "network.connectivity-service.enabled": false,
                    "datareporting.policy.dataSubmissionEnabled": false,
                    "extensions.update.enabled": false
                }
            }
        }}
    })
}

/// `$env` if set, else the first of `names` on PATH.
fn lookup(env: &str, names: &[&str]) -> Option<String> {
    if let Ok(path) = std::env::var(env) {
        return Some(path);
    }
    let path = std::env::var("PATH").unwrap_or_default();
    names.iter().find_map(|name| {
        path.split(':')
            .map(|dir| std::path::Path::new(dir).join(name))
            .find(|candidate| candidate.is_file())
            .map(|c| c.to_string_lossy().into_owned())
    })
}

impl Browser {
    /// Headless Chromium, as the tests use it.
    pub fn launch() -> Browser {
        Browser::launch_engine(Engine::Chromium)
    }

    /// A fresh headless session of `engine`, with a new, empty profile.
    ///
    /// # Panics
    /// When the engine or its driver is not installed (`scripts/setup.sh
    /// --test` installs both engines' browsers and drivers) or does not
    /// start a session.
    pub fn launch_engine(engine: Engine) -> Browser {
        let (driver_path, binary) = engine.locate().unwrap_or_else(|| {
            panic!(
                "{} or its WebDriver server is not installed: scripts/setup.sh --test installs both browsers and their drivers",
                engine.name()
            )
        });
        let port = free_port();
        let mut command = Command::new(&driver_path);
        match engine {
            Engine::Chromium => command.arg(format!("--port={port}")),
            Engine::Firefox => command.args(["--host", "127.0.0.1", "--port", &port.to_string()]),
        };
        let driver = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {driver_path}: {e}"));
        let profile = std::env::temp_dir().join(format!("spindle-e2e-{port}-{}", std::process::id()));
        let mut browser = Browser { driver, port, session: String::new(), _profile: TempDir(profile.clone()) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "{driver_path} did not listen on port {port}");
            sleep(Duration::from_millis(50));
        }
        let caps = match engine {
            Engine::Chromium => chromium_capabilities(&binary, &profile),
            Engine::Firefox => firefox_capabilities(&binary),
        };
        let value = browser.call("POST", "/session", Some(caps)).expect("new WebDriver session");
        browser.session = value["sessionId"].as_str().expect("sessionId").to_string();
        browser
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream.set_read_timeout(Some(Duration::from_secs(120))).ok();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let payload = read_response(&mut stream)?;
        let json: Value = serde_json::from_str(&payload).map_err(|e| format!("{e}: {payload}"))?;
        let value = json.get("value").cloned().unwrap_or(Value::Null);
        if value.get("error").is_some() {
            return Err(format!("{method} {path}: {}: {}", value["error"], value["message"]));
        }
        Ok(value)
    }

    fn session_call(&self, method: &str, suffix: &str, body: Option<Value>) -> Result<Value, String> {
        self.call(method, &format!("/session/{}{suffix}", self.session), body)
    }

    pub fn goto(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url }))).expect("navigate");
    }

    pub fn current_url(&self) -> String {
        self.session_call("GET", "/url", None).unwrap().as_str().unwrap_or_default().to_string()
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    pub fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.session_call("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Runs `script` (a function body that calls `arguments[0]` with its
    /// result when done) in the page and returns that result.
    pub fn eval_async(&self, script: &str) -> Value {
        self.session_call("POST", "/execute/async", Some(json!({ "script": script, "args": [] })))
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Like [`Browser::eval_async`], with arguments and a time limit.
    pub fn eval_async_with(&self, script: &str, args: Vec<Value>, secs: u64) -> Value {
        self.session_call("POST", "/timeouts", Some(json!({ "script": secs * 1000 }))).expect("set the script timeout");
        self.session_call("POST", "/execute/async", Some(json!({ "script": script, "args": args })))
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    pub fn find(&self, css: &str) -> Option<Element<'_>> {
        let v = self.session_call("POST", "/element", Some(json!({ "using": "css selector", "value": css }))).ok()?;
        Some(Element { browser: self, id: v[ELEMENT_KEY].as_str()?.to_string() })
    }

    /// Waits up to `secs` for `css` to match.
    pub fn wait_for(&self, css: &str, secs: u64) -> Element<'_> {
        let found = self.wait_until(secs, || self.find(css).map(|e| e.id));
        Element { browser: self, id: found.unwrap_or_else(|| panic!("no element {css:?} after {secs} s")) }
    }

    /// Polls `f` every 50 ms until it gives `Some`, for at most `secs`.
    pub fn wait_until<T>(&self, secs: u64, mut f: impl FnMut() -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(v) = f() {
                return Some(v);
            }
            if Instant::now() > deadline {
                return None;
            }
            sleep(Duration::from_millis(50));
        }
    }

    /// Browser console entries so far (chromedriver's log endpoint).
    pub fn console(&self) -> Vec<Value> {
        self.session_call("POST", "/se/log", Some(json!({ "type": "browser" })))
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.session_call("DELETE", "", None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Reads one HTTP/1.1 response body: by Content-Length, or chunked. Does
/// not wait for the connection to close (chromedriver keeps it open).
fn read_response(stream: &mut TcpStream) -> Result<String, String> {
    let mut reader = BufReader::new(stream);
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("connection closed before the headers ended".into());
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(|e| e.to_string())?;
            let n = usize::from_str_radix(size.trim(), 16).map_err(|e| e.to_string())?;
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk).map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    } else {
        reader.read_to_end(&mut body).map_err(|e| e.to_string())?;
    }
    String::from_utf8(body).map_err(|e| e.to_string())
}

pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
}

impl Element<'_> {
    fn call(&self, method: &str, suffix: &str, body: Option<Value>) -> Result<Value, String> {
        self.browser.session_call(method, &format!("/element/{}{suffix}", self.id), body)
    }

    pub fn text(&self) -> String {
        self.call("GET", "/text", None).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    }

    /// The DOM property (falls back to the attribute).
    pub fn attr(&self, name: &str) -> Option<String> {
        self.call("GET", &format!("/attribute/{name}"), None).ok().and_then(|v| v.as_str().map(String::from))
    }

    pub fn click(&self) {
        self.call("POST", "/click", Some(json!({}))).expect("click");
    }

    pub fn enabled(&self) -> bool {
        self.call("GET", "/enabled", None).ok().and_then(|v| v.as_bool()).unwrap_or(false)
    }

    /// `textContent`, which includes text inside closed `<details>`.
    pub fn text_content(&self) -> String {
        let el = json!({ ELEMENT_KEY: self.id });
        self.browser.eval("return arguments[0].textContent;", vec![el]).as_str().unwrap_or_default().to_string()
    }
}
