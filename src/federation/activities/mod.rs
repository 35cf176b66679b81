//! One file per activity type: `verify`-style checks first, then the effect through a service.

use crate::{db::inbox::InboxRow, federation::apply::ApplyError, state::Ctx};

mod accept;
mod follow;
mod practice;
mod undo;

pub use practice::store_article;

/// Applies one stored activity according to its type.
pub async fn dispatch(ctx: &Ctx, row: &InboxRow) -> Result<(), ApplyError> {
    let value: serde_json::Value = serde_json::from_str(&row.body)?;
    match row.kind.as_str() {
        "Follow" => follow::receive(ctx, &value).await,
        "Accept" => accept::receive(ctx, &value, true).await,
        "Reject" => accept::receive(ctx, &value, false).await,
        "Undo" => undo::receive(ctx, &value).await,
        "Create" | "Update" => practice::receive_create(ctx, &value).await,
        "Announce" => practice::receive_announce(ctx, &value).await,
        "Delete" => practice::receive_delete(ctx, &value).await,
        other => {
            // Kept (state applied) so an admin can see it arrived; later steps handle more types.
            tracing::info!(kind = other, "activity type not handled yet; stored only");
            Ok(())
        }
    }
}
