//! The `actors` table: local and remote actors of every kind.

use chrono::{DateTime, Utc};

use super::{
    query::{fetch_one, fetch_optional, Ex},
    Db, Tx,
};
use crate::domain::actor::ActorKind;

/// One actor as stored. Local actors have a private key; remote ones do not.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ActorRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub ap_id: super::DbUrl,
    #[sqlx(try_from = "String")]
    pub kind: ActorKind,
    pub username: String,
    pub domain: String,
    pub local: bool,
    pub name: Option<String>,
    pub summary: Option<String>,
    pub url: Option<String>,
    pub icon_url: Option<String>,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub outbox: Option<String>,
    pub followers_url: Option<String>,
    pub following_url: Option<String>,
    pub public_key_id: String,
    pub public_key_pem: String,
    pub private_key_pem: Option<String>,
    pub ipa_code: Option<String>,
    pub level: Option<String>,
    pub region: Option<String>,
    pub website: Option<String>,
    pub manually_approves: bool,
    pub published: DateTime<Utc>,
    pub last_refreshed_at: DateTime<Utc>,
    /// A person's `prassi:organization` (their Organization's id): local managers and
    /// reviewers, and remote persons whose document names one.
    pub organization_ap_id: Option<String>,
}

/// Fields of an actor to insert or refresh (the row without its database id).
#[derive(Debug, Clone)]
pub struct NewActor {
    pub ap_id: String,
    pub kind: ActorKind,
    pub username: String,
    pub domain: String,
    pub local: bool,
    pub name: Option<String>,
    pub summary: Option<String>,
    pub url: Option<String>,
    pub icon_url: Option<String>,
    pub inbox: String,
    pub shared_inbox: Option<String>,
    pub outbox: Option<String>,
    pub followers_url: Option<String>,
    pub following_url: Option<String>,
    pub public_key_id: String,
    pub public_key_pem: String,
    pub private_key_pem: Option<String>,
    pub ipa_code: Option<String>,
    pub level: Option<String>,
    pub region: Option<String>,
    pub website: Option<String>,
    pub manually_approves: bool,
    pub published: DateTime<Utc>,
}

const COLUMNS: &str = "id, ap_id, kind, username, domain, local, name, summary, url, icon_url, \
    inbox, shared_inbox, outbox, followers_url, following_url, public_key_id, public_key_pem, \
    private_key_pem, ipa_code, level, region, website, manually_approves, published, last_refreshed_at, \
    organization_ap_id";

/// Inserts or refreshes an actor by its ActivityPub id and returns the stored row. An
/// organisation's practices are found by its name and handle: when either changes (a remote
/// organisation's document read again, a local one edited), its practices are noted for
/// search in the same transaction.
pub async fn upsert(db: &Db, a: NewActor) -> Result<ActorRow, sqlx::Error> {
    let mut tx = db.begin().await?;
    let before = by_ap_id(&mut tx, &a.ap_id).await?;
    let row = upsert_in(&mut tx, a).await?;
    if let Some(b) = before.filter(|b| b.name != row.name || b.username != row.username) {
        super::search::organization_changed(&mut tx, b.id).await?;
    }
    tx.commit().await?;
    Ok(row)
}

async fn upsert_in(tx: &mut Tx, a: NewActor) -> Result<ActorRow, sqlx::Error> {
    let now = super::now();
    let sql = format!(
        "INSERT INTO actors (ap_id, kind, username, domain, local, name, summary, url, icon_url, \
           inbox, shared_inbox, outbox, followers_url, following_url, public_key_id, public_key_pem, \
           private_key_pem, ipa_code, level, region, website, manually_approves, published, last_refreshed_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24) \
         ON CONFLICT (ap_id) DO UPDATE SET kind = excluded.kind, username = excluded.username, \
           name = excluded.name, summary = excluded.summary, url = excluded.url, icon_url = excluded.icon_url, \
           inbox = excluded.inbox, shared_inbox = excluded.shared_inbox, outbox = excluded.outbox, \
           followers_url = excluded.followers_url, following_url = excluded.following_url, \
           public_key_id = excluded.public_key_id, public_key_pem = excluded.public_key_pem, \
           manually_approves = excluded.manually_approves, last_refreshed_at = excluded.last_refreshed_at \
         RETURNING {COLUMNS}"
    );
    fetch_one!(
        &mut *tx,
        ActorRow,
        &sql,
        a.ap_id,
        a.kind.as_str(),
        a.username,
        a.domain,
        a.local,
        a.name,
        a.summary,
        a.url,
        a.icon_url,
        a.inbox,
        a.shared_inbox,
        a.outbox,
        a.followers_url,
        a.following_url,
        a.public_key_id,
        a.public_key_pem,
        a.private_key_pem,
        a.ipa_code,
        a.level,
        a.region,
        a.website,
        a.manually_approves,
        a.published,
        now
    )
}

pub async fn by_ap_id<'c>(
    ex: impl Into<Ex<'c>>,
    ap_id: &str,
) -> Result<Option<ActorRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM actors WHERE ap_id = $1");
    fetch_optional!(ex.into(), ActorRow, &sql, ap_id)
}

pub async fn by_id<'c>(ex: impl Into<Ex<'c>>, id: i64) -> Result<Option<ActorRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM actors WHERE id = $1");
    fetch_optional!(ex.into(), ActorRow, &sql, id)
}

pub async fn by_key_id(db: &Db, key_id: &str) -> Result<Option<ActorRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM actors WHERE public_key_id = $1 LIMIT 1");
    fetch_optional!(db, ActorRow, &sql, key_id)
}

/// A local actor by its handle (case-insensitive, as WebFinger is).
pub async fn local_by_username<'c>(
    ex: impl Into<Ex<'c>>,
    username: &str,
) -> Result<Option<ActorRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM actors WHERE local AND LOWER(username) = LOWER($1)");
    fetch_optional!(ex.into(), ActorRow, &sql, username)
}

/// An actor by its handle `username@domain` (a facet of the search names organisations so).
pub async fn by_handle(
    db: &Db,
    username: &str,
    domain: &str,
) -> Result<Option<ActorRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM actors WHERE LOWER(username) = LOWER($1) AND LOWER(domain) = LOWER($2) ORDER BY id LIMIT 1"
    );
    fetch_optional!(db, ActorRow, &sql, username, domain)
}

/// The local organisation with this IPA code (codes are compared without regard to case).
pub async fn local_by_ipa_code<'c>(
    ex: impl Into<Ex<'c>>,
    ipa_code: &str,
) -> Result<Option<ActorRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM actors WHERE local AND LOWER(ipa_code) = LOWER($1) ORDER BY id LIMIT 1"
    );
    fetch_optional!(ex.into(), ActorRow, &sql, ipa_code)
}

/// The id and version stamp (`last_refreshed_at`) of a local actor by its handle: the one read
/// a request for a cached actor document makes.
pub async fn local_version(
    db: &Db,
    username: &str,
) -> Result<Option<(i64, DateTime<Utc>)>, sqlx::Error> {
    fetch_optional!(
        db,
        (i64, DateTime<Utc>),
        "SELECT id, last_refreshed_at FROM actors WHERE local AND LOWER(username) = LOWER($1)",
        username
    )
}

/// Number of local actors of a kind (NodeInfo usage).
pub async fn count_local(db: &Db, kind: ActorKind) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = fetch_one!(
        db,
        (i64,),
        "SELECT COUNT(*) FROM actors WHERE local AND kind = $1",
        kind.as_str()
    )?;
    Ok(n)
}

/// Sets a person's `prassi:organization` (None: they name none).
pub async fn set_organization(
    db: &Db,
    actor_id: i64,
    organization_ap_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    super::query::execute!(
        db.writer(),
        "UPDATE actors SET organization_ap_id = $1 WHERE id = $2",
        organization_ap_id,
        actor_id
    )?;
    Ok(())
}

/// A local actor of a kind with the number of its published practices.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Counted {
    pub username: String,
    pub name: Option<String>,
    pub practices: i64,
}

/// The local actors of a kind, those with the most published practices first (the home
/// page's organisations and topics).
pub async fn local_with_practice_counts(
    db: &Db,
    kind: ActorKind,
    limit: i64,
) -> Result<Vec<Counted>, sqlx::Error> {
    super::query::fetch_all!(
        db,
        Counted,
        "SELECT a.username, a.name, COUNT(p.id) AS practices FROM actors a \
         LEFT JOIN practices p ON p.organization_id = a.id AND p.state = 'published' \
         WHERE a.local AND a.kind = $1 \
         GROUP BY a.id, a.username, a.name ORDER BY COUNT(p.id) DESC, a.username LIMIT $2",
        kind.as_str(),
        limit
    )
}

/// A remote organisation with the number of its published practices held here.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RemoteCounted {
    pub username: String,
    pub domain: String,
    pub name: Option<String>,
    /// Its profile page (or its id) on its own instance.
    pub url: String,
    pub practices: i64,
}

/// The remote organisations this instance holds published practices of (a hub's), those
/// with the most first.
pub async fn remote_organizations_with_practices(
    db: &Db,
    limit: i64,
) -> Result<Vec<RemoteCounted>, sqlx::Error> {
    super::query::fetch_all!(
        db,
        RemoteCounted,
        "SELECT a.username, a.domain, a.name, COALESCE(a.url, a.ap_id) AS url, \
           COUNT(p.id) AS practices FROM actors a \
         JOIN practices p ON p.organization_id = a.id AND p.state = 'published' \
         WHERE NOT a.local AND a.kind = $1 \
         GROUP BY a.id, a.username, a.domain, a.name, a.url, a.ap_id \
         ORDER BY COUNT(p.id) DESC, a.username LIMIT $2",
        ActorKind::Organization.as_str(),
        limit
    )
}
