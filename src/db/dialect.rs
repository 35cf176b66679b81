//! The queries that really differ between the backends, each with both branches side by side.
//! Everything else is written once (see [`super::query`]); a test in `federation-tests`
//! (`queues.rs`) runs each branch on the same data and compares the rows.

use super::{
    comments::{CommentRow, ThreadRow},
    practices::{PracticeRow, COLS as PRACTICE_COLS},
    query::{fetch_all, fetch_one, fetch_optional, Ex},
    Db, Tx,
};

/// Leases (to `owner`, until `until`) up to `limit` destinations that have work due, are not
/// backing off and are held by nobody; returns them sorted. One statement, so claiming many
/// streams is cheap; the lease condition is re-checked on update, so two processes never get
/// the same stream.
///
/// On PostgreSQL several processes claim at once: the candidates are read `FOR UPDATE SKIP
/// LOCKED`, so one process passes over the rows another is claiming instead of waiting for its
/// transaction and then finding them taken. SQLite has a single writer and no row locks.
pub async fn lease_due(
    db: &Db,
    owner: &str,
    now: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = match db {
        Db::Sqlite { .. } => {
            "UPDATE instances SET lease_owner = $1, lease_until = $2 WHERE domain IN (\
               SELECT i.domain FROM instances i WHERE i.backoff_until <= $3 AND i.lease_until <= $3 \
               AND EXISTS (SELECT 1 FROM deliveries d WHERE d.destination = i.domain AND d.next_attempt_at <= $3) \
               ORDER BY i.backoff_until LIMIT $4) \
             AND lease_until <= $3 RETURNING domain"
        }
        Db::Postgres(_) => {
            "UPDATE instances SET lease_owner = $1, lease_until = $2 WHERE domain IN (\
               SELECT i.domain FROM instances i WHERE i.backoff_until <= $3 AND i.lease_until <= $3 \
               AND EXISTS (SELECT 1 FROM deliveries d WHERE d.destination = i.domain AND d.next_attempt_at <= $3) \
               ORDER BY i.backoff_until LIMIT $4 FOR UPDATE SKIP LOCKED) \
             AND lease_until <= $3 RETURNING domain"
        }
    };
    let ex: Ex<'_> = db.writer().into();
    let rows: Vec<(String,)> = fetch_all!(ex, (String,), sql, owner, until, now, limit)?;
    let mut domains: Vec<String> = rows.into_iter().map(|r| r.0).collect();
    domains.sort();
    Ok(domains)
}

/// Claims up to `limit` due received activities for `owner` until `until`, in arrival order
/// (the ids, ascending). The same choice of row locks as [`lease_due`].
pub async fn claim_inbox(
    db: &Db,
    owner: &str,
    now: i64,
    until: i64,
    limit: i64,
    cols: &str,
) -> Result<Vec<super::rows::InboxRow>, sqlx::Error> {
    let lock = match db {
        Db::Sqlite { .. } => "",
        Db::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let sql = format!(
        "UPDATE inbox_activities SET lease_until = $1, lease_owner = $2 WHERE id IN (\
           SELECT id FROM inbox_activities WHERE state = 'pending' AND next_attempt_at <= $3 \
           AND lease_until <= $3 ORDER BY id LIMIT $4{lock}) AND lease_until <= $3 RETURNING {cols}"
    );
    let ex: Ex<'_> = db.writer().into();
    let mut rows = fetch_all!(ex, super::rows::InboxRow, &sql, until, owner, now, limit)?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// Leases to `owner` until `until` the first instance follow with work due at `now` (a walk
/// not done, or failures to retry) whose target accepted the follow of `me` (the local
/// instance actor), and that nobody else holds. The same choice of row locks as
/// [`lease_due`]; a lease of `owner`'s own (a previous run under this node name) is taken
/// back at once.
pub async fn claim_walk(
    db: &Db,
    owner: &str,
    me: i64,
    now: i64,
    until: i64,
) -> Result<Option<super::instance_follows::Walk>, sqlx::Error> {
    let lock = match db {
        Db::Sqlite { .. } => "",
        Db::Postgres(_) => " FOR UPDATE SKIP LOCKED",
    };
    let free = "(lease_until <= $3 OR lease_owner = $2)";
    let sql = format!(
        "UPDATE instance_follows SET lease_until = $1, lease_owner = $2 WHERE id IN (\
           SELECT f.id FROM instance_follows f WHERE {free} \
           AND EXISTS (SELECT 1 FROM follows fl WHERE fl.target_id = f.target_id \
             AND fl.follower_id = $4 AND fl.accepted) \
           AND ((NOT f.done AND f.next_attempt_at <= $3) \
           OR EXISTS (SELECT 1 FROM backfill_failures b WHERE b.follow_id = f.id \
             AND b.next_attempt_at IS NOT NULL AND b.next_attempt_at <= $3)) \
           ORDER BY f.next_attempt_at, f.id LIMIT 1{lock}) AND {free} RETURNING {}",
        super::instance_follows::WALK_COLS
    );
    let ex: Ex<'_> = db.writer().into();
    fetch_optional!(
        ex,
        super::instance_follows::Walk,
        &sql,
        until,
        owner,
        now,
        me
    )
}

/// A practice read inside the transaction that will change it, so that two changes of one
/// practice (two edits, a publication and a deletion) run one after the other instead of
/// both working from what they read before. On PostgreSQL the row is locked (`FOR UPDATE`)
/// until the transaction ends; a SQLite transaction holds the whole database's write lock from
/// its start (`BEGIN IMMEDIATE`), which already does it.
pub async fn practice_for_update(tx: &mut Tx, id: i64) -> Result<Option<PracticeRow>, sqlx::Error> {
    let lock = match tx {
        Tx::Sqlite(_) => "",
        Tx::Postgres(_) => " FOR UPDATE",
    };
    let sql = format!("SELECT {PRACTICE_COLS} FROM practices WHERE id = $1{lock}");
    fetch_optional!(tx, PracticeRow, &sql, id)
}

/// A candidacy, locked until the transaction ends on PostgreSQL (SQLite has one writer):
/// two admins' steps, or a step and an arriving activity, see each other's result.
pub async fn candidacy_for_update(
    tx: &mut Tx,
    id: i64,
) -> Result<Option<super::candidacies::CandidacyRow>, sqlx::Error> {
    let lock = match tx {
        Tx::Sqlite(_) => "",
        Tx::Postgres(_) => " FOR UPDATE",
    };
    let sql = format!(
        "SELECT {} FROM candidacies WHERE id = $1{lock}",
        super::candidacies::COLS
    );
    fetch_optional!(tx, super::candidacies::CandidacyRow, &sql, id)
}

/// A comment of a thread as the database writes it into the thread's JSON array.
#[derive(serde::Deserialize)]
struct ThreadItem {
    id: i64,
    ap_id: String,
    practice_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    content: String,
    stance: Option<String>,
    local: bool,
    context: Option<String>,
    url: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
    edited_at: Option<chrono::DateTime<chrono::Utc>>,
    deleted_at: Option<chrono::DateTime<chrono::Utc>>,
    author_ap_id: String,
    author_username: String,
    author_domain: String,
    author_local: bool,
    author_name: Option<String>,
    author_url: Option<String>,
    org_username: Option<String>,
    org_name: Option<String>,
}

/// Every comment of a practice, oldest first, with its author (and a local author's
/// organisation), in one row: the database builds the thread as one JSON array. sqlx hands
/// SQLite's rows over one at a time from its worker thread, which a thread of hundreds of
/// comments on a page read by many feels; one value is one hand-over. Each comment is an
/// array in [`ThreadItem`]'s field order (serde reads a struct from one), not an object:
/// no key is written or matched, and the database does not sort them (ordering inside the
/// aggregate made SQLite build a sorter); they are sorted here. SQLite writes booleans as 0
/// and 1, so they are turned into JSON's own there; both write times as RFC 3339.
pub async fn comment_thread<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
) -> Result<Vec<ThreadRow>, sqlx::Error> {
    parse_thread(&comment_thread_text(ex, practice_id).await?)
}

/// The thread of [`comment_thread`] as the database wrote it, not read yet: what a page
/// made from it compares with the text it was made from.
pub async fn comment_thread_text<'c>(
    ex: impl Into<Ex<'c>>,
    practice_id: i64,
) -> Result<String, sqlx::Error> {
    let ex = ex.into();
    let sqlite = matches!(ex, Ex::SqlitePool(_) | Ex::SqliteConn(_));
    let sql = format!("SELECT {} {THREAD_FROM}", thread_json(sqlite));
    let (json,): (String,) = fetch_one!(ex, (String,), &sql, practice_id)?;
    Ok(json)
}

/// The rows a practice's thread is made of; `$1` is the practice.
const THREAD_FROM: &str = "FROM comments c JOIN actors a ON a.id = c.author_id \
     LEFT JOIN users u ON u.actor_id = a.id LEFT JOIN actors o ON o.id = u.organization_id \
     WHERE c.practice_id = $1";

/// The versions of the rows of [`THREAD_FROM`] (PostgreSQL).
const THREAD_VERSIONS: &str = "COALESCE(string_agg(c.id || ':' || c.xmin || ':' || a.xmin \
     || ':' || COALESCE(u.xmin::text, '-') || ':' || COALESCE(o.xmin::text, '-'), ',' \
     ORDER BY c.id), '')";

/// The expression of the thread's JSON over [`THREAD_FROM`].
fn thread_json(sqlite: bool) -> String {
    let boolean = |col: &str| {
        if sqlite {
            format!("CASE WHEN {col} THEN json('true') ELSE json('false') END")
        } else {
            col.to_string()
        }
    };
    let fields: Vec<(&str, String)> = vec![
        ("id", "c.id".into()),
        ("ap_id", "c.ap_id".into()),
        ("practice_id", "c.practice_id".into()),
        ("parent_id", "c.parent_id".into()),
        ("author_id", "c.author_id".into()),
        ("content", "c.content".into()),
        ("stance", "c.stance".into()),
        ("local", boolean("c.local")),
        ("context", "c.context".into()),
        ("url", "c.url".into()),
        ("created_at", "c.created_at".into()),
        ("updated_at", "c.updated_at".into()),
        ("edited_at", "c.edited_at".into()),
        ("deleted_at", "c.deleted_at".into()),
        ("author_ap_id", "a.ap_id".into()),
        ("author_username", "a.username".into()),
        ("author_domain", "a.domain".into()),
        ("author_local", boolean("a.local")),
        ("author_name", "a.name".into()),
        ("author_url", "a.url".into()),
        ("org_username", "o.username".into()),
        ("org_name", "o.name".into()),
    ];
    let values = fields
        .iter()
        .map(|(_, v)| v.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let (build, gather, as_text) = if sqlite {
        ("json_array", "json_group_array", "")
    } else {
        ("json_build_array", "json_agg", "::text")
    };
    format!("COALESCE({gather}({build}({values})), '[]'){as_text}")
}

/// The version (`xmin`, new with every insert or update of a row) of every row a
/// practice's thread is made of (each comment, its author, the author's account and
/// organisation), in comment order: any change to any of them, a new comment or a deleted
/// one changes it. PostgreSQL only (SQLite has no row versions); there it costs about a third
/// of building the thread's JSON ([`comment_thread_text`]).
pub async fn comment_thread_versions(
    pool: &sqlx::PgPool,
    practice_id: i64,
) -> Result<String, sqlx::Error> {
    let sql = format!("SELECT {THREAD_VERSIONS} {THREAD_FROM}");
    let (versions,): (String,) = sqlx::query_as(&sql)
        .bind(practice_id)
        .fetch_one(pool)
        .await?;
    Ok(versions)
}

/// The thread's text ([`comment_thread_text`]) and its versions
/// ([`comment_thread_versions`]) in one statement: the versions of the very thread read.
pub async fn comment_thread_text_and_versions(
    pool: &sqlx::PgPool,
    practice_id: i64,
) -> Result<(String, String), sqlx::Error> {
    let sql = format!(
        "SELECT {}, {THREAD_VERSIONS} {THREAD_FROM}",
        thread_json(false)
    );
    sqlx::query_as(&sql).bind(practice_id).fetch_one(pool).await
}

/// The rows of a thread's text ([`comment_thread_text`]), oldest first.
pub fn parse_thread(json: &str) -> Result<Vec<ThreadRow>, sqlx::Error> {
    let mut items: Vec<ThreadItem> =
        serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    items.sort_unstable_by_key(|t| t.id);
    Ok(items
        .into_iter()
        .map(|t| ThreadRow {
            comment: CommentRow {
                id: t.id,
                ap_id: t.ap_id,
                practice_id: t.practice_id,
                parent_id: t.parent_id,
                author_id: t.author_id,
                content: t.content,
                stance: t.stance,
                local: t.local,
                context: t.context,
                url: t.url,
                created_at: t.created_at,
                updated_at: t.updated_at,
                edited_at: t.edited_at,
                deleted_at: t.deleted_at,
            },
            author_ap_id: t.author_ap_id,
            author_username: t.author_username,
            author_domain: t.author_domain,
            author_local: t.author_local,
            author_name: t.author_name,
            author_url: t.author_url,
            org_username: t.org_username,
            org_name: t.org_name,
        })
        .collect())
}
