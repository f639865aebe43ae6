//! Test harness: every test gets a fresh real database (a new SQLite file, or a new PostgreSQL
//! database on the server named by PORTAL_TEST_POSTGRES_URL) and its own server on port 0.
#![allow(dead_code)]

use portal_server::app::{self, AppState};
use portal_server::config::{Config, Mode};
use portal_server::notify::Notifier;
use portal_server::store::Store;
use sqlx::{Connection, Executor};
use std::sync::Arc;
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
        ..Config::default()
    };
    adjust(&mut config);
    let store = Store::connect(&config.database_url, 5)
        .await
        .expect("connect to the test database");
    store.migrate().await.expect("migrate the test database");
    let listener = app::bind(config.bind).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState {
        store: store.clone(),
        notifier: Notifier::outbox(store.clone()),
        config: Arc::new(config.clone()),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    TestApp {
        base,
        http: reqwest::Client::new(),
        store,
        config,
        dir,
        stop: Some(stop),
    }
}

impl TestApp {
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
            .create_token("test", practice_id.as_deref())
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
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name($crate::common::Db::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { super::$name($crate::common::Db::Postgres).await } )*
        }
    };
}
