//! Everything the page of a practice is made from, read side by side: the page is a function
//! of these rows (and of the reader's language and the address), so a page made from rows
//! equal to the ones read now is the page of now.

use std::borrow::Cow;

use super::{
    actors::{self, ActorRow},
    candidacies::{self, CandidacyRow},
    dialect, good_index,
    good_index::IndexRow,
    media,
    practices::PracticeRow,
    recognitions::{self, RecognitionRow},
    Db,
};

/// What one read of a practice's page found.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSources {
    pub row: PracticeRow,
    /// The organisation that publishes it, without its private key (no page needs it, and
    /// this is kept in memory with the page).
    pub org: Option<ActorRow>,
    pub index: Option<IndexRow>,
    pub candidacies: Vec<CandidacyRow>,
    pub recognitions: Vec<RecognitionRow>,
    /// What tells whether the thread of comments changed
    /// ([`dialect::comment_thread_identity`]): on SQLite the thread as the database wrote
    /// it, on PostgreSQL the versions of its rows. Compared as text; the thread is parsed
    /// (and on PostgreSQL read) only when a page is made ([`Self::thread_text`]).
    pub thread: String,
    /// The sizes of the uploads among the media, by file name, in file-name order.
    pub sizes: Vec<(String, i64)>,
}

impl PageSources {
    /// Reads what the page of `row` shows besides the row; `files` are the names of this
    /// instance's uploads among its media.
    pub async fn read(db: &Db, row: PracticeRow, files: &[&str]) -> Result<Self, sqlx::Error> {
        let (mut org, index, candidacies, recognitions, thread, mut sizes) = tokio::try_join!(
            actors::by_id(db, row.organization_id),
            good_index::of(db, row.id),
            candidacies::of_practice(db, row.id),
            recognitions::recognitions_of(db, row.id),
            dialect::comment_thread_identity(db, row.id),
            media::sizes(db, files),
        )?;
        sizes.sort_unstable();
        if let Some(o) = &mut org {
            o.private_key_pem = None;
        }
        Ok(Self {
            row,
            org,
            index,
            candidacies,
            recognitions,
            thread,
            sizes,
        })
    }

    /// The thread's text ([`dialect::comment_thread_text`]), for making the page: on
    /// PostgreSQL read now, after [`Self::thread`] was (so never older than it; a page made
    /// from a newer thread is made again at the next request, whose versions differ).
    pub async fn thread_text(&self, db: &Db) -> Result<Cow<'_, str>, sqlx::Error> {
        match db {
            Db::Sqlite { .. } => Ok(Cow::Borrowed(&self.thread)),
            Db::Postgres(_) => Ok(Cow::Owned(
                dialect::comment_thread_text(db, self.row.id).await?,
            )),
        }
    }

    /// How much memory a page kept with these sources holds of them, roughly: their texts.
    pub fn weight(&self) -> usize {
        let opt = |s: &Option<String>| s.as_ref().map_or(0, String::len);
        let org = self.org.as_ref().map_or(0, |o| {
            o.public_key_pem.len() + o.inbox.len() + opt(&o.name) + opt(&o.summary) + 512
        });
        let candidacies: usize = self
            .candidacies
            .iter()
            .map(|c| c.form.len() + opt(&c.decision) + opt(&c.message) + c.call_title.len() + 256)
            .sum();
        let recognitions: usize = self
            .recognitions
            .iter()
            .map(|r| r.reasons.len() + r.scores.len() + r.call_title.len() + 128)
            .sum();
        let sizes: usize = self.sizes.iter().map(|(f, _)| f.len() + 32).sum();
        std::mem::size_of::<Self>()
            + self.row.record.len()
            + self.row.title.len()
            + self.thread.len()
            + org
            + candidacies
            + recognitions
            + sizes
    }
}
