//! The practice side's operations (SPEC 4), written once and called by both the token-protected
//! HTTP API (`api::practice`) and the command line (`cli`).

pub mod audit;
pub mod conversations;
pub mod guardians;
pub mod patients;
pub mod practices;
pub mod records;
pub(crate) mod validate;

use crate::error::{AppError, AppResult};
use crate::store::audit::Actor;
use crate::store::practices::PracticeRow;
use crate::store::Store;

/// The caller of a practice operation, and what it may touch.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    /// `None`: every practice (administrator token or the command line).
    pub practice_id: Option<String>,
    pub client_addr: Option<String>,
}

impl Caller {
    pub fn cli() -> Caller {
        Caller {
            actor: Actor::Cli,
            practice_id: None,
            client_addr: None,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.practice_id.is_none()
    }

    /// The practice by slug, if this caller may act for it. A practice the caller may not see
    /// answers exactly like one that does not exist.
    pub async fn practice(&self, store: &Store, slug: &str) -> AppResult<PracticeRow> {
        let practice = store
            .practice_by_slug(slug)
            .await?
            .ok_or(AppError::NotFound)?;
        match &self.practice_id {
            Some(id) if *id != practice.id => Err(AppError::NotFound),
            _ => Ok(practice),
        }
    }
}
