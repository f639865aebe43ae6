//! Test harness: every test gets a fresh real database and its own server on port 0, in one of
//! the two shapes the portal runs in: SQLite with files on local disk, or PostgreSQL (a new
//! database on the server named by PORTAL_TEST_POSTGRES_URL) with files in an S3-compatible
//! store (a new bucket at PORTAL_TEST_S3_ENDPOINT). scripts/test starts both services.
#![allow(dead_code)]

pub mod people;

use portal_server::app;
use portal_server::clock::Clock;
use portal_server::config::{Config, Mode, Secret, StorageKind};
use portal_server::state::AppState;
use portal_server::store::Store;
use sqlx::{Connection, Executor};
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub store: Store,
    pub config: Config,
    /// The server's clock: starts at the real time and moves only with `clock.advance`.
    pub clock: Clock,
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A hashed asset of the fake built portal, as Trunk would name it.
pub const HASHED_WASM: &str = "portal-0123456789abcdef_bg.wasm";
pub const INDEX_HTML: &str =
    "<!doctype html><html lang=\"en\"><title>Patient portal</title><main id=\"app\"></main></html>";

/// A fresh, empty, migrated database of the given kind.
pub async fn fresh_database(db: Db, dir: &std::path::Path) -> String {
    match db {
        Db::Sqlite => format!("sqlite://{}/portal.db", dir.display()),
        Db::Postgres => {
            let admin = std::env::var("PORTAL_TEST_POSTGRES_URL").expect(
                "PORTAL_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL",
            );
            sqlx::any::install_default_drivers();
            let name = format!(
                "t_{}",
                portal_server::secrets::random_token(9)
                    .to_lowercase()
                    .replace(['-', '_'], "x")
            );
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("connect to the test PostgreSQL");
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create a test database");
            conn.close().await.ok();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
    }
}

/// Points `config` at a new, empty bucket of the test S3-compatible store.
async fn use_fresh_bucket(config: &mut Config) {
    let endpoint = std::env::var("PORTAL_TEST_S3_ENDPOINT").expect(
        "PORTAL_TEST_S3_ENDPOINT is not set: run the tests with scripts/test, which starts an S3-compatible store",
    );
    let bucket = format!(
        "t-{}",
        portal_server::secrets::random_token(9)
            .to_lowercase()
            .replace(['-', '_'], "x")
    );
    // The test store (moto) takes unsigned requests; the server signs its own.
    let r = reqwest::Client::new()
        .put(format!("{}/{bucket}", endpoint.trim_end_matches('/')))
        .send()
        .await
        .expect("reach the test S3-compatible store");
    assert!(
        r.status().is_success(),
        "create a test bucket: {}",
        r.status()
    );
    config.storage = StorageKind::S3;
    config.s3_bucket = Some(bucket);
    config.s3_endpoint = Some(endpoint);
    config.s3_access_key_id = Some("test".into());
    config.s3_secret_access_key = Some(Secret("test".into()));
    config.s3_allow_http = true;
}

/// The `PORTAL_*` variables that point the command line at the same stored files.
pub fn storage_env(config: &Config) -> Vec<(&'static str, String)> {
    let mut env = vec![(
        "PORTAL_STORAGE_DIR",
        config.storage_dir.display().to_string(),
    )];
    if config.storage == StorageKind::S3 {
        env.extend([
            ("PORTAL_STORAGE", "s3".to_owned()),
            ("PORTAL_S3_BUCKET", config.s3_bucket.clone().unwrap()),
            ("PORTAL_S3_ENDPOINT", config.s3_endpoint.clone().unwrap()),
            ("PORTAL_S3_ACCESS_KEY_ID", "test".to_owned()),
            ("PORTAL_S3_SECRET_ACCESS_KEY", "test".to_owned()),
            ("PORTAL_S3_ALLOW_HTTP", "true".to_owned()),
        ]);
    }
    env
}

/// Every key in the server's file storage.
pub async fn stored_keys(app: &TestApp) -> Vec<String> {
    portal_server::storage::Storage::from_config(&app.config)
        .unwrap()
        .keys_older_than(i64::MAX)
        .await
        .unwrap()
}

pub async fn spawn(db: Db) -> TestApp {
    spawn_with(db, |_| {}).await
}

pub async fn spawn_with(db: Db, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
    std::fs::write(dist.join("robots.txt"), "User-agent: *\nDisallow: /\n").unwrap();
    std::fs::write(dist.join("favicon.ico"), [0u8, 0, 1, 0]).unwrap();
    std::fs::write(dist.join(HASHED_WASM), b"\0asm-raw").unwrap();
    std::fs::write(dist.join(format!("{HASHED_WASM}.br")), b"brotli-bytes").unwrap();
    std::fs::write(dist.join("boot.js"), "import('/x.js')").unwrap();

    let mut config = Config {
        mode: Mode::Development,
        bind: "127.0.0.1:0".parse().unwrap(),
        database_url: fresh_database(db, dir.path()).await,
        static_dir: dist,
        storage_dir: dir.path().join("files"),
        ..Config::default()
    };
    if let Db::Postgres = db {
        use_fresh_bucket(&mut config).await;
    }
    adjust(&mut config);
    start(config, Clock::manual(), dir, true).await
}

/// A server for `config` on a free port, migrating the database first when `migrate`.
async fn start(config: Config, clock: Clock, dir: tempfile::TempDir, migrate: bool) -> TestApp {
    let store = Store::connect(&config.database_url, 5)
        .await
        .expect("connect to the test database");
    if migrate {
        store.migrate().await.expect("migrate the test database");
    }
    let listener = app::bind(config.bind).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), config.clone(), clock.clone())
        .await
        .expect("set up the server's state");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    TestApp {
        base,
        http: reqwest::Client::new(),
        store,
        config,
        clock,
        dir,
        stop: Some(stop),
    }
}

impl TestApp {
    /// A second server on the same database, files and clock, as another instance behind a
    /// load balancer would be: nothing is shared but what the database holds.
    pub async fn another_instance(&self) -> TestApp {
        start(
            self.config.clone(),
            self.clock.clone(),
            tempfile::tempdir().unwrap(),
            false,
        )
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A new practice API token: administrator when `practice` is None.
    pub async fn token(&self, practice: Option<&str>) -> String {
        let practice_id = match practice {
            Some(slug) => Some(
                self.store
                    .practice_by_slug(slug)
                    .await
                    .unwrap()
                    .expect("practice exists")
                    .id,
            ),
            None => None,
        };
        self.store
            .create_token("test", practice_id.as_deref(), self.clock.now_ms())
            .await
            .unwrap()
            .0
    }
}

/// Generates one `#[tokio::test]` per database for each `async fn name(db: Db)` listed.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name($crate::helpers::Db::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name($crate::helpers::Db::Postgres).await } )*
        }
    };
}

/// Sign-in helpers.
impl TestApp {
    pub async fn request_code(&self, phone: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/auth/code"))
            .json(&serde_json::json!({ "phone": phone }))
            .send()
            .await
            .unwrap()
    }

    pub async fn verify(&self, phone: &str, code: &str, remember: bool) -> reqwest::Response {
        self.http
            .post(self.url("/api/auth/verify"))
            .json(&serde_json::json!({ "phone": phone, "code": code, "remember_device": remember }))
            .send()
            .await
            .unwrap()
    }

    /// Texts sent to `e164`, newest first, from the development outbox.
    pub async fn texts_to(&self, e164: &str) -> Vec<String> {
        self.store
            .list_outbox(1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.channel == "sms" && m.to_address == e164)
            .map(|m| m.body)
            .collect()
    }

    /// The code in the newest text to `e164`, read from its WebOTP line.
    pub async fn last_code(&self, e164: &str) -> String {
        let texts = self.texts_to(e164).await;
        let text = texts.first().expect("a text was sent");
        text.rsplit_once('#').expect("a WebOTP line").1.to_owned()
    }

    /// Asks for a code, verifies it and returns the `portal_session` cookie (`name=value`).
    pub async fn sign_in(&self, e164: &str) -> String {
        let r = self.request_code(e164).await;
        assert_eq!(r.status(), 200, "{:?}", r.text().await);
        let code = self.last_code(e164).await;
        let r = self.verify(e164, &code, false).await;
        assert_eq!(r.status(), 200);
        session_cookie_of(&r)
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_with_cookie(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await
            .unwrap()
    }
}

/// Every `Set-Cookie` of a response.
/// The `portal-server` binary with only these `PORTAL_*` variables (the test's own are removed).
pub fn server_command(env: &[(&str, &str)], args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_portal-server"));
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PORTAL_")) {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied()).args(args);
    cmd
}

/// Runs [`server_command`] to its end.
pub fn run_server(env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    server_command(env, args)
        .output()
        .expect("run portal-server")
}

/// [`run_server`], which must succeed: its standard output.
pub fn run_server_ok(env: &[(&str, &str)], args: &[&str]) -> String {
    let out = run_server(env, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl TestApp {
    /// A command of the command line on this app's database, which must succeed: what it
    /// prints, as JSON.
    pub fn cli_json(&self, args: &[&str]) -> serde_json::Value {
        let out = run_server_ok(&[("PORTAL_DATABASE_URL", &self.config.database_url)], args);
        serde_json::from_str(&out).unwrap()
    }
}

pub fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// `portal_session=…` as a `Cookie` header value, from a response that set it.
pub fn session_cookie_of(r: &reqwest::Response) -> String {
    set_cookies(r)
        .into_iter()
        .find(|c| c.starts_with("portal_session="))
        .expect("a portal_session cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}
