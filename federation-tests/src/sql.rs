//! Raw SQL for tests and benchmarks that look at (or arrange) a test instance's tables
//! directly, on either backend: `sql!(fetch_all, db.writer(), (String,), "SELECT …", args…)`.
//! The first argument is the sqlx method, the second anything that converts into the
//! library's `Ex` (a `Writer`, `&Db` for reads, or `&mut Tx`).

/// Runs one statement with `sqlx::query_as` (or `sqlx::query` for `execute`).
#[macro_export]
macro_rules! sql {
    (execute, $ex:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::sql!(@run $ex, execute, sqlx::query, |r| r.rows_affected(), $sql $(, $arg)*)
    };
    ($method:ident, $ex:expr, $row:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::sql!(@run $ex, $method, sqlx::query_as::<_, $row>, |r| r, $sql $(, $arg)*)
    };
    (@run $ex:expr, $method:ident, $make:expr, $post:expr, $sql:expr $(, $arg:expr)*) => {
        match prassi::db::query::Ex::from($ex) {
            prassi::db::query::Ex::SqlitePool(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
            prassi::db::query::Ex::SqliteConn(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
            prassi::db::query::Ex::PgPool(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
            prassi::db::query::Ex::PgConn(e) => $make($sql)$(.bind($arg))*.$method(e).await.map($post),
        }
    };
}
