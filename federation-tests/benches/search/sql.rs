//! The SQL engines the bench compares with: SQLite FTS5 (bm25) and PostgreSQL
//! (`to_tsvector('italian')`, `ts_rank`, GIN), loaded with the same practices.

use std::time::{Duration, Instant};

use federation_tests::{Backend, TestDb};
use prassi::{
    db::{search::Indexable, Db},
    domain::{practice::PracticeRecord, sanitize::strip_tags},
    search::facets::FacetName,
};

use super::{stats, Class};

/// What SQL engines get of a practice: its text (every language) and two facet columns.
pub struct Row {
    id: i64,
    body: String,
    sectors: String,
    region: String,
}

pub fn row_of(p: &Indexable) -> Row {
    let r: PracticeRecord = serde_json::from_str(&p.record).expect("record");
    let mut body = Vec::new();
    for t in [
        &r.title,
        &r.summary,
        &r.description,
        &r.impact,
        &r.lessons_learned,
        &r.challenges,
    ] {
        for v in t.values() {
            body.push(strip_tags(v));
        }
    }
    let sectors: Vec<&str> = r.sectors.iter().map(|s| s.as_str()).collect();
    Row {
        id: p.id,
        body: body.join(" "),
        sectors: format!(",{},", sectors.join(",")),
        region: r
            .place
            .region
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
    }
}

pub async fn sql_times(db: &Db, c: &Class, samples: usize) -> (Duration, Duration, i64) {
    let mut times = Vec::with_capacity(samples);
    let mut total = 0;
    let sector = c
        .filters
        .iter()
        .find(|f| f.0 == FacetName::Sector)
        .map(|f| format!("%,{},%", f.1));
    let region = c
        .filters
        .iter()
        .find(|f| f.0 == FacetName::Region)
        .map(|f| f.1.to_string());
    for _ in 0..samples {
        let t = Instant::now();
        total = match db {
            Db::Sqlite { read, .. } => {
                let q = fts5_query(c.q);
                let (top, count) = if c.q.is_empty() {
                    (
                        "SELECT id, 0.0 FROM docs WHERE ($1 IS NULL OR sectors LIKE $1) AND ($2 IS NULL OR region = $2) ORDER BY id DESC LIMIT 20".to_string(),
                        "SELECT COUNT(*) FROM docs WHERE ($1 IS NULL OR sectors LIKE $1) AND ($2 IS NULL OR region = $2)".to_string(),
                    )
                } else {
                    (
                        "SELECT d.id, bm25(docs_fts) AS s FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid WHERE docs_fts MATCH $3 AND ($1 IS NULL OR d.sectors LIKE $1) AND ($2 IS NULL OR d.region = $2) ORDER BY s LIMIT 20".to_string(),
                        "SELECT COUNT(*) FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid WHERE docs_fts MATCH $3 AND ($1 IS NULL OR d.sectors LIKE $1) AND ($2 IS NULL OR d.region = $2)".to_string(),
                    )
                };
                let _: Vec<(i64, f64)> = sqlx::query_as(&top)
                    .bind(sector.clone())
                    .bind(region.clone())
                    .bind(q.clone())
                    .fetch_all(read)
                    .await
                    .expect("fts5 top");
                let (n,): (i64,) = sqlx::query_as(&count)
                    .bind(sector.clone())
                    .bind(region.clone())
                    .bind(q)
                    .fetch_one(read)
                    .await
                    .expect("fts5 count");
                n
            }
            Db::Postgres(pool) => {
                let (tsq, top, count) = if c.q.is_empty() {
                    (
                        String::new(),
                        "SELECT id, 0.0::real FROM docs WHERE ($1::text IS NULL OR sectors LIKE $1) AND ($2::text IS NULL OR region = $2) AND $3::text = '' ORDER BY id DESC LIMIT 20",
                        "SELECT COUNT(*) FROM docs WHERE ($1::text IS NULL OR sectors LIKE $1) AND ($2::text IS NULL OR region = $2) AND $3::text = ''",
                    )
                } else {
                    let phrase = c.q.starts_with('"');
                    let func = if phrase {
                        "phraseto_tsquery"
                    } else {
                        "plainto_tsquery"
                    };
                    (func.to_string(), "", "")
                };
                let (top, count) = if c.q.is_empty() {
                    (top.to_string(), count.to_string())
                } else {
                    (
                        format!("SELECT id, ts_rank(tsv, q) AS r FROM docs, {tsq}('italian', $3) q WHERE tsv @@ q AND ($1::text IS NULL OR sectors LIKE $1) AND ($2::text IS NULL OR region = $2) ORDER BY r DESC LIMIT 20"),
                        format!("SELECT COUNT(*) FROM docs, {tsq}('italian', $3) q WHERE tsv @@ q AND ($1::text IS NULL OR sectors LIKE $1) AND ($2::text IS NULL OR region = $2)"),
                    )
                };
                let words = c.q.trim_matches('"').to_string();
                let _: Vec<(i64, f32)> = sqlx::query_as(&top)
                    .bind(sector.clone())
                    .bind(region.clone())
                    .bind(words.clone())
                    .fetch_all(pool)
                    .await
                    .expect("pg top");
                let (n,): (i64,) = sqlx::query_as(&count)
                    .bind(sector.clone())
                    .bind(region.clone())
                    .bind(words)
                    .fetch_one(pool)
                    .await
                    .expect("pg count");
                n
            }
        };
        times.push(t.elapsed());
    }
    let (p50, p99) = stats(times);
    (p50, p99, total)
}

/// FTS5's syntax: words as written (quoted, so none is read as an operator), phrases kept.
pub fn fts5_query(q: &str) -> String {
    if q.starts_with('"') {
        return q.to_string();
    }
    q.split_whitespace()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

pub async fn load_sql(backend: Backend, rows: &[Row]) -> (TestDb, Db, Duration) {
    let tdb = TestDb::create(backend).await;
    let db = Db::connect(&tdb.url).await.expect("connect");
    let t = Instant::now();
    match &db {
        Db::Sqlite { write, .. } => {
            for ddl in [
                "CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT NOT NULL, sectors TEXT NOT NULL, region TEXT NOT NULL)",
                "CREATE INDEX docs_region ON docs (region)",
                "CREATE VIRTUAL TABLE docs_fts USING fts5(body, content='docs', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
            ] {
                sqlx::query(ddl).execute(write).await.expect("ddl");
            }
            for chunk in rows.chunks(5000) {
                let mut tx = write.begin().await.expect("tx");
                for r in chunk {
                    sqlx::query(
                        "INSERT INTO docs (id, body, sectors, region) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(r.id)
                    .bind(&r.body)
                    .bind(&r.sectors)
                    .bind(&r.region)
                    .execute(&mut *tx)
                    .await
                    .expect("insert");
                }
                tx.commit().await.expect("commit");
            }
            sqlx::query("INSERT INTO docs_fts (docs_fts) VALUES ('rebuild')")
                .execute(write)
                .await
                .expect("fts rebuild");
        }
        Db::Postgres(pool) => {
            for ddl in [
                "CREATE TABLE docs (id BIGINT PRIMARY KEY, body TEXT NOT NULL, sectors TEXT NOT NULL, region TEXT NOT NULL, tsv tsvector GENERATED ALWAYS AS (to_tsvector('italian', body)) STORED)",
                "CREATE INDEX docs_region ON docs (region)",
            ] {
                sqlx::query(ddl).execute(pool).await.expect("ddl");
            }
            for chunk in rows.chunks(1000) {
                let ids: Vec<i64> = chunk.iter().map(|r| r.id).collect();
                let bodies: Vec<&str> = chunk.iter().map(|r| r.body.as_str()).collect();
                let sectors: Vec<&str> = chunk.iter().map(|r| r.sectors.as_str()).collect();
                let regions: Vec<&str> = chunk.iter().map(|r| r.region.as_str()).collect();
                sqlx::query("INSERT INTO docs (id, body, sectors, region) SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[])")
                    .bind(ids)
                    .bind(bodies)
                    .bind(sectors)
                    .bind(regions)
                    .execute(pool)
                    .await
                    .expect("insert");
            }
            sqlx::query("CREATE INDEX docs_tsv ON docs USING GIN (tsv)")
                .execute(pool)
                .await
                .expect("gin");
            sqlx::query("ANALYZE docs")
                .execute(pool)
                .await
                .expect("analyze");
        }
    }
    (tdb, db, t.elapsed())
}
