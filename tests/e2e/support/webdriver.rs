//! Browsers for the tests, driven over WebDriver with `fantoccini`: one
//! driver process per browser session (chromedriver for Chromium,
//! geckodriver for Firefox ESR). The tests are plain blocking code, so each
//! [`Browser`] owns a small Tokio runtime and waits on every command.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// A browser engine the tests can drive, each through its own driver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Debian's `chromium` through `chromedriver` (`$CHROMIUM`, `$CHROMEDRIVER`).
    Chromium,
    /// Debian's `firefox-esr` through `geckodriver` (`$FIREFOX`, `$GECKODRIVER`).
    Firefox,
    /// WebKitGTK's MiniBrowser (Safari's engine) through `WebKitWebDriver`
    /// (`$MINIBROWSER`, `$WEBKIT_DRIVER`), on an Xvfb display of its own,
    /// configured as Safari ships: shared memory on
    /// (`JSC_useSharedArrayBuffer=true` in the driver's environment, which
    /// the browser inherits) and the private file system (OPFS) on.
    WebKit,
    /// The same WebKitGTK as Debian ships it: its JavaScriptCore cannot
    /// clone shared memory to a worker, so the page's pool cannot start (a
    /// real browser without WebAssembly threads).
    WebKitWithoutSharedMemory,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox ESR",
            Engine::WebKit => "WebKitGTK",
            Engine::WebKitWithoutSharedMemory => "WebKitGTK without shared memory",
        }
    }

    /// What this engine's user agent always contains.
    pub fn user_agent_mark(self) -> &'static str {
        match self {
            Engine::Chromium => "HeadlessChrome/",
            Engine::Firefox => "Firefox/",
            Engine::WebKit | Engine::WebKitWithoutSharedMemory => "AppleWebKit/",
        }
    }

    /// How the page names this browser (`EnvInfo::browser`).
    pub fn browser_label(self) -> &'static str {
        match self {
            Engine::Chromium => "Headless Chrome",
            Engine::Firefox => "Firefox",
            Engine::WebKit | Engine::WebKitWithoutSharedMemory => "Safari",
        }
    }

    fn binaries(self) -> [(&'static str, &'static [&'static str]); 2] {
        match self {
            Engine::Chromium => {
                [("CHROMEDRIVER", &["chromedriver"]), ("CHROMIUM", &["chromium", "chromium-browser", "google-chrome"])]
            }
            Engine::Firefox => [("GECKODRIVER", &["geckodriver"]), ("FIREFOX", &["firefox-esr", "firefox"])],
            Engine::WebKit | Engine::WebKitWithoutSharedMemory => {
                [("WEBKIT_DRIVER", &["WebKitWebDriver"]), ("MINIBROWSER", &[MINIBROWSER])]
            }
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
        if let Engine::WebKit | Engine::WebKitWithoutSharedMemory = self {
            // MiniBrowser has no --version; Debian's package says it.
            let out = Command::new("dpkg-query").args(["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"]).output();
            let version = out.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
            return format!("WebKitGTK {version} MiniBrowser, on Xvfb, shared memory on");
        }
        Command::new(browser)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    }

    /// As the machine's notes say: as root, without GPU or network
    /// services, in a fresh profile. geckodriver makes a fresh profile per
    /// session, with prefs that keep Firefox off the network; these add the
    /// few it leaves on.
    fn capabilities(self, binary: &str, profile: &std::path::Path, options: &Value) -> Capabilities {
        let prefs = &options["prefs"];
        let caps = match self {
            Engine::Chromium => json!({
                "browserName": "chrome",
                "goog:loggingPrefs": { "browser": "ALL" },
                "goog:chromeOptions": {
                    "binary": binary,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--window-size=1280,1000",
                        format!("--user-data-dir={}", profile.display()),
                    ]
                }
            }),
            Engine::WebKit | Engine::WebKitWithoutSharedMemory => json!({
                "webkitgtk:browserOptions": {
                    "binary": binary,
                    "args": ["--automation", "--features=+FileSystem,+StorageAPI,+FileSystemWritableStream,+StorageAPIEstimate"]
                }
            }),
            Engine::Firefox => json!({
                "browserName": "firefox",
                "moz:firefoxOptions": {
                    "binary": binary,
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
            }),
        };
        let mut caps = caps;
        if let (Some(extra), Some(Value::Object(all))) =
            (prefs.as_object(), caps.pointer_mut("/moz:firefoxOptions/prefs"))
        {
            all.extend(extra.clone());
        }
        if let (Some(device), Some(Value::Object(chrome))) = (options.get("device"), caps.get_mut("goog:chromeOptions"))
        {
            chrome.insert("mobileEmulation".into(), json!({ "deviceMetrics": device }));
        }
        match caps {
            Value::Object(map) => map,
            _ => unreachable!("capabilities are an object"),
        }
    }
}

/// Debian's MiniBrowser, outside PATH.
const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// `$env` if set, else the first of `names` on PATH (or an absolute path).
fn lookup(env: &str, names: &[&str]) -> Option<String> {
    if let Ok(path) = std::env::var(env) {
        return Some(path);
    }
    if let Some(path) = names.iter().find(|n| n.starts_with('/') && std::path::Path::new(n).is_file()) {
        return Some(path.to_string());
    }
    let path = std::env::var("PATH").unwrap_or_default();
    names.iter().find_map(|name| {
        path.split(':')
            .map(|dir| std::path::Path::new(dir).join(name))
            .find(|candidate| candidate.is_file())
            .map(|c| c.to_string_lossy().into_owned())
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// chromedriver's browser log (`goog:loggingPrefs`), which the W3C
/// protocol has no command for.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// A Chrome DevTools Protocol command, through chromedriver
/// (`goog/cdp/execute`).
#[derive(Debug)]
struct DevTools(Value);

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.0.to_string()))
    }
}

/// A headless browser driven through its WebDriver server. Dropping it
/// ends both.
pub struct Browser {
    client: Client,
    runtime: tokio::runtime::Runtime,
    driver: Child,
    /// WebKitGTK's display.
    xvfb: Option<Child>,
    _profile: TempDir,
}

/// An Xvfb display for a browser without a headless mode, on a display
/// number Xvfb picks itself (`-displayfd`): the server and its number.
fn start_xvfb() -> (Child, u32) {
    use std::io::BufRead as _;
    let mut xvfb = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1280x1000x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb (Debian's xvfb; scripts/setup.sh --test installs it)");
    let mut line = String::new();
    let stdout = xvfb.stdout.take().expect("Xvfb's stdout");
    let _ = std::io::BufReader::new(stdout).read_line(&mut line);
    let display = line.trim().parse().unwrap_or_else(|_| {
        let _ = xvfb.kill();
        panic!("Xvfb did not say which display it took: {line:?}")
    });
    (xvfb, display)
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
        Browser::launch_with(engine, json!({}))
    }

    /// Like [`Browser::launch_engine`], with Firefox preferences (`prefs`,
    /// an object) on top of the tests' own; other engines ignore them.
    #[allow(dead_code)] // the hosting tests'
    pub fn launch_with_prefs(engine: Engine, prefs: Value) -> Browser {
        Browser::launch_with(engine, json!({ "prefs": prefs }))
    }

    /// Headless Chromium as a device `width` × `height` CSS pixels, with a
    /// touch screen (`pointer: coarse`) if `touch`: Chromium's own device
    /// emulation, as its developer tools offer.
    #[allow(dead_code)] // the layout tests'
    pub fn launch_device(width: u32, height: u32, touch: bool) -> Browser {
        let device = json!({ "width": width, "height": height, "pixelRatio": 2.0, "touch": touch, "mobile": touch });
        Browser::launch_with(Engine::Chromium, json!({ "device": device }))
    }

    fn launch_with(engine: Engine, options: Value) -> Browser {
        let (driver_path, binary) = engine.locate().unwrap_or_else(|| {
            panic!(
                "{} or its WebDriver server is not installed: scripts/setup.sh --test installs both browsers and their drivers",
                engine.name()
            )
        });
        let port = free_port();
        let mut command = Command::new(&driver_path);
        let mut xvfb = None;
        match engine {
            Engine::Chromium => command.arg(format!("--port={port}")),
            Engine::Firefox => command.args(["--host", "127.0.0.1", "--port", &port.to_string()]),
            Engine::WebKit | Engine::WebKitWithoutSharedMemory => {
                let (child, display) = start_xvfb();
                xvfb = Some(child);
                if engine == Engine::WebKit {
                    command.env("JSC_useSharedArrayBuffer", "true");
                } else {
                    command.env_remove("JSC_useSharedArrayBuffer");
                }
                command.env("DISPLAY", format!(":{display}")).arg(format!("--port={port}"))
            }
        };
        let mut driver = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {driver_path}: {e}"));
        let profile = std::env::temp_dir().join(format!("spindle-e2e-{port}-{}", std::process::id()));
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                let _ = driver.kill();
                xvfb.iter_mut().for_each(|x| drop(x.kill()));
                panic!("{driver_path} did not listen on port {port}");
            }
            sleep(Duration::from_millis(50));
        }
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a Tokio runtime");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = runtime
            .block_on(
                ClientBuilder::new(connector)
                    .capabilities(engine.capabilities(&binary, &profile, &options))
                    .connect(&format!("http://127.0.0.1:{port}")),
            )
            .unwrap_or_else(|e| {
                let _ = driver.kill();
                xvfb.iter_mut().for_each(|x| drop(x.kill()));
                panic!("new WebDriver session with {driver_path}: {e}")
            });
        Browser { client, runtime, driver, xvfb, _profile: TempDir(profile) }
    }

    fn block<T>(&self, future: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(future)
    }

    pub fn goto(&self, url: &str) {
        self.block(self.client.goto(url)).expect("navigate");
    }

    pub fn current_url(&self) -> String {
        self.block(self.client.current_url()).map(|u| u.to_string()).unwrap_or_default()
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page.
    pub fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.block(self.client.execute(script, args)).unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Runs `script` (a function body that calls `arguments[0]` with its
    /// result when done) in the page and returns that result.
    pub fn eval_async(&self, script: &str) -> Value {
        self.block(self.client.execute_async(script, vec![])).unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Like [`Browser::eval_async`], with arguments and a time limit.
    pub fn eval_async_with(&self, script: &str, args: Vec<Value>, secs: u64) -> Value {
        let timeouts = TimeoutConfiguration::new(Some(Duration::from_secs(secs)), None, None);
        self.block(self.client.update_timeouts(timeouts)).expect("set the script timeout");
        self.block(self.client.execute_async(script, args)).unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    pub fn find(&self, css: &str) -> Option<Element<'_>> {
        let inner = self.block(self.client.find(Locator::Css(css))).ok()?;
        Some(Element { browser: self, inner })
    }

    /// Waits up to `secs` for `css` to match.
    pub fn wait_for(&self, css: &str, secs: u64) -> Element<'_> {
        self.wait_until(secs, || self.find(css)).unwrap_or_else(|| panic!("no element {css:?} after {secs} s"))
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

    /// A PNG of the page as it is now.
    #[allow(dead_code)] // for looking at the page while writing a test
    pub fn screenshot(&self) -> Vec<u8> {
        self.block(self.client.screenshot()).expect("a screenshot")
    }

    /// Runs a DevTools command (`Page.addScriptToEvaluateOnNewDocument`,
    /// …); Chromium only.
    #[allow(dead_code)] // the hosting tests'
    pub fn devtools(&self, cmd: &str, params: Value) -> Value {
        self.block(self.client.issue_cmd(DevTools(json!({ "cmd": cmd, "params": params }))))
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    /// Browser console entries so far (chromedriver's log endpoint).
    pub fn console(&self) -> Vec<Value> {
        self.block(self.client.issue_cmd(BrowserLog)).ok().and_then(|v| v.as_array().cloned()).unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let client = self.client.clone();
        let _ = self.runtime.block_on(client.close());
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        if let Some(xvfb) = &mut self.xvfb {
            let _ = xvfb.kill();
            let _ = xvfb.wait();
        }
    }
}

pub struct Element<'b> {
    browser: &'b Browser,
    inner: fantoccini::elements::Element,
}

impl Element<'_> {
    pub fn text(&self) -> String {
        self.browser.block(self.inner.text()).unwrap_or_default()
    }

    /// The attribute `name` (for `value` and `disabled`, as the page set them).
    pub fn attr(&self, name: &str) -> Option<String> {
        self.browser.block(self.inner.attr(name)).ok().flatten()
    }

    pub fn click(&self) {
        self.browser.block(self.inner.click()).expect("click");
    }

    pub fn enabled(&self) -> bool {
        self.browser.block(self.inner.is_enabled()).unwrap_or(false)
    }

    /// `textContent`, which includes text inside closed `<details>`.
    pub fn text_content(&self) -> String {
        let el = serde_json::to_value(&self.inner).expect("an element is a JSON reference");
        self.browser.eval("return arguments[0].textContent;", vec![el]).as_str().unwrap_or_default().to_string()
    }
}
