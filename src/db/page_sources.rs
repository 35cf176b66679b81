//! Everything the page of a practice is made from, read side by side: the page is a function
//! of these rows (and of the reader's language and the address), so a page made from rows
//! equal to the ones read now is the page of now.

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
    /// The thread of comments, or what tells whether it changed.
    pub thread: Thread,
    /// The sizes of the uploads among the media, by file name, in file-name order.
    pub sizes: Vec<(String, i64)>,
}

/// A practice's thread of comments as a page's read found it.
#[derive(Debug, Clone, PartialEq)]
pub enum Thread {
    /// As the database wrote it ([`dialect::comment_thread_text`]); parsed only when a page
    /// is made from it.
    Text(String),
    /// The versions of its rows ([`dialect::comment_thread_versions`]): what a read for a
    /// kept page finds on PostgreSQL, where that costs a third of the text. The text is read
    /// only when a page is made ([`PageSources::with_thread_text`]).
    Versions(String),
}

impl Thread {
    fn len(&self) -> usize {
        match self {
            Self::Text(t) | Self::Versions(t) => t.len(),
        }
    }
}

impl PageSources {
    /// Reads what the page of `row` shows besides the row; `files` are the names of this
    /// instance's uploads among its media. For a page that may be `kept` (compared with
    /// these at the next read), the thread is read as its versions where that is cheaper.
    pub async fn read(
        db: &Db,
        row: PracticeRow,
        files: &[&str],
        kept: bool,
    ) -> Result<Self, sqlx::Error> {
        let thread = async {
            match db {
                Db::Postgres(pool) if kept => Ok(Thread::Versions(
                    dialect::comment_thread_versions(pool, row.id).await?,
                )),
                _ => Ok(Thread::Text(
                    dialect::comment_thread_text(db, row.id).await?,
                )),
            }
        };
        let (mut org, index, candidacies, recognitions, thread, mut sizes) = tokio::try_join!(
            actors::by_id(db, row.organization_id),
            good_index::of(db, row.id),
            candidacies::of_practice(db, row.id),
            recognitions::recognitions_of(db, row.id),
            thread,
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

    /// The thread's text, for making the page, with these sources as they are to be kept
    /// beside it. When this read has the thread's versions, the text is read now, with its
    /// versions in the same statement, and those replace the ones read before: the versions
    /// kept are those of the thread the page shows (newer, if it changed in between, than
    /// the request, never older).
    pub async fn with_thread_text(mut self, db: &Db) -> Result<(Self, String), sqlx::Error> {
        let text = match (&self.thread, db) {
            (Thread::Text(t), _) => t.clone(),
            (Thread::Versions(_), Db::Postgres(pool)) => {
                let (text, versions) =
                    dialect::comment_thread_text_and_versions(pool, self.row.id).await?;
                self.thread = Thread::Versions(versions);
                text
            }
            (Thread::Versions(_), _) => dialect::comment_thread_text(db, self.row.id).await?,
        };
        Ok((self, text))
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
