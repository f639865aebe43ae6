//! Files patients attached to messages, for the practice (SPEC 3.8, 4): downloaded by id with
//! the practice's token or the CLI; another practice's attachment is not found.

use crate::error::{AppError, AppResult};
use crate::practice::Caller;
use crate::state::AppState;
use crate::store::attachments::AttachmentRow;

/// The attachment, audited as `practice.attachment.download`.
pub async fn for_download(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    id: &str,
) -> AppResult<AttachmentRow> {
    let practice = caller.practice(&state.store, slug).await?;
    let row = state
        .store
        .practice_attachment(&practice.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    caller
        .audit_alone(
            state,
            &practice.id,
            &row.patient_id,
            "practice.attachment.download",
        )
        .await?;
    Ok(row)
}
