//! One file per activity, each with its `send` (what this instance emits, queued in the
//! caller's transaction) and its `receive` (checks first, then the effect, written through
//! `db`). [`dispatch`] parses a stored activity into [`Incoming`] and hands it to its file.

pub mod accept;
pub mod add;
pub mod announce;
pub mod candidacy;
pub mod create_or_update;
pub mod decision;
pub mod delete;
pub mod follow;
pub mod like;
pub mod offer;
pub mod read;
pub mod undo;

use crate::{
    db::inbox::InboxRow,
    federation::{error::ApplyError, protocol::activities::Incoming},
    state::Ctx,
};

/// Applies one stored activity according to its type.
pub async fn dispatch(ctx: &Ctx, row: &InboxRow) -> Result<(), ApplyError> {
    match Incoming::parse(&row.kind, &row.body)? {
        Incoming::Follow(f) => follow::receive(ctx, *f).await,
        Incoming::Accept(a) => accept::receive(ctx, &a, true).await,
        Incoming::Reject(r) => accept::receive(ctx, &r, false).await,
        Incoming::Undo(u) => undo::receive(ctx, *u).await,
        Incoming::Create(c) => create_or_update::receive(ctx, c.actor, c.object).await,
        Incoming::Update(u) => create_or_update::receive(ctx, u.actor, u.object).await,
        Incoming::Delete(d) => delete::receive(ctx, *d).await,
        Incoming::Announce(a) => announce::receive(ctx, *a).await,
        Incoming::Read(r) => read::receive(ctx, *r).await,
        Incoming::Like(l) => like::receive(ctx, *l, true).await,
        Incoming::Dislike(d) => like::receive(ctx, *d, false).await,
        Incoming::Offer(o) => offer::receive(ctx, *o).await,
        Incoming::UpdateOffer(u) => offer::receive_update(ctx, *u).await,
        Incoming::UpdateCandidacy(u) => candidacy::receive(ctx, *u).await,
        Incoming::AcceptOffer(a) => decision::receive(ctx, *a, true).await,
        Incoming::RejectOffer(r) => decision::receive(ctx, *r, false).await,
        Incoming::Other(kind) => {
            // Kept (state applied) so an admin can see it arrived; later steps handle more types.
            tracing::info!(kind, "activity type not handled yet; stored only");
            Ok(())
        }
    }
}
