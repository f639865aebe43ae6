//! What every request and command works with: the store, the notifier, the configuration, the
//! clock, the code key and the file storage. Nothing here is kept in memory between requests
//! beyond these handles, so instances can be added.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Config;
use crate::notify::{Notifier, NotifyError};
use crate::store::{Store, StoreError};

/// Why the state could not be put together from the configuration.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot set up texts or e-mails: {0}")]
    Notify(NotifyError),
    #[error("cannot use the file storage: {0}; check PORTAL_STORAGE_DIR (or the s3_* keys with storage = \"s3\")")]
    Storage(crate::storage::StorageError),
    #[error(transparent)]
    Store(StoreError),
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub notifier: Notifier,
    pub config: Arc<Config>,
    /// The time for the sign-in rules: the system clock, or a manual one in tests.
    pub clock: Clock,
    /// The key of the sign-in codes' keyed hashes (`secret_key`, or the development key).
    pub code_key: Arc<[u8]>,
    /// Stored files (documents), under `storage_dir`.
    pub storage: crate::storage::Storage,
}

impl AppState {
    /// The state for `config`: texts through its `sms_provider`, codes hashed with its
    /// `secret_key` or, when none is set (development), with a key generated once and kept in
    /// the database so every instance shares it.
    pub async fn new(store: Store, config: Config, clock: Clock) -> Result<AppState, StateError> {
        let notifier = Notifier::from_config(&config, store.clone(), clock.clone())
            .map_err(StateError::Notify)?;
        let code_key: Arc<[u8]> = match &config.secret_key {
            Some(key) => key.expose().as_bytes().into(),
            None => store
                .server_secret(crate::sign_in::codes::DEV_KEY_NAME, clock.now_ms())
                .await
                .map_err(StateError::Store)?
                .into_bytes()
                .into(),
        };
        let storage = crate::storage::Storage::from_config(&config).map_err(StateError::Storage)?;
        Ok(AppState {
            storage,
            store,
            notifier,
            config: Arc::new(config),
            clock,
            code_key,
        })
    }
}
