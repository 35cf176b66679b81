//! Objects as they travel: a practice is an `Article`, a comment a `Note`; a deleted object
//! answers as a `Tombstone`; replies and likes are ordered collections.

pub mod article;
pub mod call;
pub mod collection;
pub mod note;
pub mod tombstone;

pub use article::{Article, ArticleKind, Attachment, Hashtag, Place, Recognition};
pub use call::CallDocument;
pub use collection::{Collection, CollectionPage};
pub use note::Note;
pub use tombstone::Tombstone;
