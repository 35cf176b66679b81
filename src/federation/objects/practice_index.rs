//! A practice's good index as its `Article` carries it: what a local practice publishes, and
//! the owner's figure a remote practice arrives with.

use crate::{
    db::{good_index, practices::PracticeRow, query::Ex, Tx},
    domain::good_index::Figure,
    error::AppResult,
    federation::{error::ApplyError, objects::practice::clamp_time},
};

/// Keeps the owner's good index of a remote practice when it is newer than the one held
/// (deliveries may arrive out of order). True when it was kept.
pub(super) async fn keep_owner_figure(
    tx: &mut Tx,
    practice_id: i64,
    figure: Option<&Figure>,
) -> Result<bool, ApplyError> {
    let Some(figure) = figure else {
        return Ok(false);
    };
    let mut figure = *figure;
    figure.updated = clamp_time(figure.updated).unwrap_or_else(crate::db::now);
    let held = good_index::of(&mut *tx, practice_id)
        .await?
        .and_then(|r| r.owner());
    if held.is_some_and(|h| h.updated >= figure.updated) {
        return Ok(false);
    }
    let text = serde_json::to_string(&figure)?;
    good_index::set_owner_figure(tx, practice_id, &text, crate::db::now_ms()).await?;
    Ok(true)
}

/// A local practice's good index as its Article publishes it, read through `ex`.
pub async fn figure_of<'c>(ex: impl Into<Ex<'c>>, row: &PracticeRow) -> AppResult<Option<Figure>> {
    if !row.local {
        return Ok(None);
    }
    Ok(good_index::of(ex, row.id).await?.map(|r| r.figure()))
}
