//! How a query runs: on a pool or a connection of either backend (`Ex`), the macros that
//! write each query once for all four, and statements built at run time (multi-row writes)
//! with their argument type.

use sqlx::{PgConnection, PgPool, SqliteConnection, SqlitePool};

/// What a query runs on: a pool or a connection of either backend. Got from `&Db` (reads),
/// `Db::writer()` (one write) or `&mut Tx`; read functions that may run inside a transaction
/// take `impl Into<Ex>`.
pub enum Ex<'a> {
    SqlitePool(&'a SqlitePool),
    SqliteConn(&'a mut SqliteConnection),
    PgPool(&'a PgPool),
    PgConn(&'a mut PgConnection),
}

impl<'a> Ex<'a> {
    /// Itself: lets the macros take an `Ex` like any other executor.
    pub fn ex(self) -> Ex<'a> {
        self
    }
}

/// A value bound to a statement whose shape is known only at run time (multi-row writes).
#[derive(Debug, Clone)]
pub enum Arg {
    Int(i64),
    Text(String),
    OptText(Option<String>),
}

/// `$first, $first+1, …` for `n` values.
pub fn params(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, …, $cols), ($cols+1, …)…` for `rows` rows of `cols` values, numbered from `$first`.
pub fn value_rows(first: usize, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", params(first + r * cols, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound
/// values even at eight columns.
pub const ROWS_PER_STATEMENT: usize = 1000;

/// Binds the values of a statement built at run time, in order.
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::OptText(v) => q.bind(v),
            };
        }
        q
    }};
}

/// A statement built at run time, with `$N` placeholders, as SQLite reads it best. SQLite
/// takes `$N` for a *named* parameter, and both it (parsing) and sqlx (binding) look each
/// name up among all the others: quadratic in a statement of thousands of values. Anonymous
/// `?` are numbered in order at no cost, so placeholders that appear exactly as `$1, $2, …`
/// become `?`; any other order becomes `?N`, the same number. Statements built at run time
/// contain `$` only in placeholders.
pub(super) fn sqlite_numbered(sql: &str) -> String {
    let mut parts = sql.split('$');
    let mut out = parts.next().unwrap_or_default().to_string();
    // (digits, what follows); a `$` without digits after it is not a placeholder.
    let pieces: Vec<(&str, &str)> = parts
        .map(|p| p.split_at(p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len())))
        .collect();
    let numbers: Vec<&str> = pieces
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !n.is_empty())
        .collect();
    let in_order = numbers
        .iter()
        .enumerate()
        .all(|(i, n)| n.parse::<usize>().ok() == Some(i + 1));
    for (n, rest) in pieces {
        if n.is_empty() {
            out.push('$');
        } else {
            out.push('?');
            if !in_order {
                out.push_str(n);
            }
        }
        out.push_str(rest);
    }
    out
}

/// Expands one query into its four executions (pool or connection, SQLite or PostgreSQL).
macro_rules! db_run {
    ($ex:expr, $method:ident, $make:expr, $post:expr, $sql:expr $(, $arg:expr)*) => {
        match $ex.ex() {
            $crate::db::query::Ex::SqlitePool(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
            $crate::db::query::Ex::SqliteConn(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
            $crate::db::query::Ex::PgPool(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
            $crate::db::query::Ex::PgConn(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
        }
    };
}

/// `fetch_all` of rows of type `$row`.
macro_rules! fetch_all {
    ($ex:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db::query::db_run!($ex, fetch_all, sqlx::query_as::<_, $row>, |r| r, $sql $(, $arg)*)
    };
}

/// `fetch_optional` of one row of type `$row`.
macro_rules! fetch_optional {
    ($ex:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db::query::db_run!($ex, fetch_optional, sqlx::query_as::<_, $row>, |r| r, $sql $(, $arg)*)
    };
}

/// `fetch_one` of one row of type `$row`.
macro_rules! fetch_one {
    ($ex:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db::query::db_run!($ex, fetch_one, sqlx::query_as::<_, $row>, |r| r, $sql $(, $arg)*)
    };
}

/// A statement without rows; yields the number of rows affected.
macro_rules! execute {
    ($ex:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::db::query::db_run!($ex, execute, sqlx::query, |r| r.rows_affected(), $sql $(, $arg)*)
    };
}

/// `fetch_all` of rows of type `$row` on `$db`'s pool for reads, with the values of `$list`
/// bound in order: a statement built at run time whose parameters are a list
/// (`IN ($1, …)`).
macro_rules! fetch_all_listed {
    ($db:expr, $row:ty, $sql:expr, $list:expr) => {
        match $db {
            $crate::db::Db::Sqlite { read, .. } => {
                let sql = $crate::db::query::sqlite_numbered($sql);
                let mut q = sqlx::query_as::<_, $row>(&sql);
                for v in $list {
                    q = q.bind(v);
                }
                q.fetch_all(read).await
            }
            $crate::db::Db::Postgres(pool) => {
                let mut q = sqlx::query_as::<_, $row>($sql);
                for v in $list {
                    q = q.bind(v);
                }
                q.fetch_all(pool).await
            }
        }
    };
}

pub(crate) use {
    bind_args, db_run, execute, fetch_all, fetch_all_listed, fetch_one, fetch_optional,
};

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_for_multi_row_statements() {
        assert_eq!(super::params(3, 2), "$3, $4");
        assert_eq!(super::value_rows(1, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::value_rows(2, 1, 1), "($2)");
        assert_eq!(
            super::sqlite_numbered("UPDATE t SET a = $1 WHERE id IN ($2, $3)"),
            "UPDATE t SET a = ? WHERE id IN (?, ?)"
        );
        assert_eq!(
            super::sqlite_numbered("VALUES ($1, $2, $2), ($3, $4, $4)"),
            "VALUES (?1, ?2, ?2), (?3, ?4, ?4)"
        );
        assert_eq!(
            super::sqlite_numbered("SELECT '$' || $1 || '$x', $2"),
            "SELECT '$' || ? || '$x', ?"
        );
    }
}
