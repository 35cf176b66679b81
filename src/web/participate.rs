//! Taking part on a practice's page: what is left to read, "mark as read", the endorse
//! controls (locked until reading is complete, with the reason) and the comment form.
//! The practice page embeds [`panel`] where the reader's part goes.

use super::page::Page;
use crate::{error::AppResult, service::practices::PracticeView, state::Ctx};

/// The HTML of the reader's panel for `practice` (empty for now: the accounts work fills it).
pub async fn panel(_ctx: &Ctx, _page: &Page, _practice: &PracticeView) -> AppResult<String> {
    Ok(String::new())
}
