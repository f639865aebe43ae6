//! Puts the server together: routes, headers, the listening loop and its housekeeping. The
//! state every request gets is `crate::state::AppState`.

use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::error::AppError;
use crate::state::{AppState, StateError};
use crate::web::{dev_outbox, security_headers, static_files::StaticFiles};

pub fn router(state: AppState) -> Router {
    let statics = StaticFiles::new(&state.config.static_dir);
    let dev = if state.config.is_development() {
        Router::new().route("/dev/outbox", get(dev_outbox::outbox))
    } else {
        Router::new()
    };
    let router = Router::new()
        .merge(crate::api::router())
        .merge(dev)
        // Development pages must not fall through to the portal in production: they do not exist.
        .route(
            "/dev/{*rest}",
            get(|| async { AppError::NotFound.into_response() }),
        )
        .fallback(move |request: Request| statics.clone().serve(request))
        .with_state(state.clone());
    security_headers::apply(router, !state.config.is_development())
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("port {port} is already in use (bind = {addr}); stop the other program or choose another port with PORTAL_BIND")]
    PortInUse { port: u16, addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}; check PORTAL_BIND")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the built portal is missing: {0} does not exist; build it with scripts/build-portal or set PORTAL_STATIC_DIR")]
    MissingPortal(String),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

pub async fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AddrInUse => ServeError::PortInUse {
                port: addr.port(),
                addr,
            },
            _ => ServeError::Bind { addr, source },
        })
}

pub fn check_portal(config: &Config) -> Result<(), ServeError> {
    let index = config.static_dir.join("index.html");
    if index.is_file() {
        Ok(())
    } else {
        Err(ServeError::MissingPortal(index.display().to_string()))
    }
}

/// Serves until the shutdown future completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let sweeper = tokio::spawn(sweep_files(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    sweeper.abort();
    served?;
    Ok(())
}

/// At startup and then every hour: expired pending uploads and stored files no row points at
/// (bytes of an upload the server was stopped in the middle of) are removed. Files written in
/// the last ten minutes are left alone: another instance may be between their bytes and row.
async fn sweep_files(state: AppState) {
    const GRACE: std::time::Duration = std::time::Duration::from_secs(10 * 60);
    loop {
        match crate::uploads::patient::sweep(
            &state.store,
            &state.storage,
            state.clock.now_ms(),
            GRACE,
        )
        .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "stored files swept"),
            Err(e) => tracing::warn!(error = %e, "sweeping stored files failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(60 * 60)).await;
    }
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
