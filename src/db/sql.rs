//! SQL expressions diesel does not have, written so that the statements
//! using them stay in diesel's prepared-statement cache (a `sql("…")`
//! literal marks its whole statement as never cached: it is parsed and
//! planned again on every page view).

use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::BigInt;
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, sql_types};

use super::MultiBackend;

/// `CAST(COALESCE(SUM(e), 0) AS BIGINT)`: a sum of integers as a BIGINT on
/// both backends (PostgreSQL sums BIGINT as NUMERIC; SQLite's SUM of no rows
/// is NULL).
#[derive(Debug, Clone, Copy)]
pub struct SumBig<E>(E);

/// The sum of an integer or boolean expression (`true` counts 1), as BIGINT.
pub fn sum_big<E>(e: E) -> SumBig<E>
where
    E: Expression,
    E::SqlType: Summable,
{
    SumBig(e)
}

/// SQL types [`sum_big`] adds up; booleans count through a `CASE`
/// (PostgreSQL does not add booleans up).
pub trait Summable {
    const BOOLEAN: bool;
}
impl Summable for sql_types::Integer {
    const BOOLEAN: bool = false;
}
impl Summable for sql_types::BigInt {
    const BOOLEAN: bool = false;
}
impl Summable for sql_types::Bool {
    const BOOLEAN: bool = true;
}

impl<E: Expression> Expression for SumBig<E> {
    type SqlType = BigInt;
}

impl<E, QS> SelectableExpression<QS> for SumBig<E> where E: SelectableExpression<QS> {}

impl<E, QS> AppearsOnTable<QS> for SumBig<E> where E: AppearsOnTable<QS> {}

impl<E, GB> ValidGrouping<GB> for SumBig<E> {
    type IsAggregate = is_aggregate::Yes;
}

impl<E: QueryId + 'static> QueryId for SumBig<E> {
    type QueryId = SumBig<E::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
}

impl<E, DB> QueryFragment<DB> for SumBig<E>
where
    DB: Backend,
    E: QueryFragment<DB> + Expression,
    E::SqlType: Summable,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("CAST(COALESCE(SUM(");
        if E::SqlType::BOOLEAN {
            out.push_sql("CASE WHEN ");
            self.0.walk_ast(out.reborrow())?;
            out.push_sql(" THEN 1 ELSE 0 END");
        } else {
            self.0.walk_ast(out.reborrow())?;
        }
        out.push_sql("), 0) AS BIGINT)");
        Ok(())
    }
}

/// `e IN (ids)` with the list as one bind, so that the statement has the
/// same text for any list and stays prepared (diesel's `eq_any` writes a
/// placeholder per value on SQLite and marks the statement as never cached:
/// parsing and planning it again cost a list page as much as reading it).
/// SQLite reads the list with `json_each`, PostgreSQL as an `integer[]`.
#[derive(Debug, Clone)]
pub struct InList<E> {
    expr: E,
    /// `[1,2,3]` for SQLite, `{1,2,3}` for PostgreSQL.
    json: String,
    array: String,
}

pub fn in_list<E>(expr: E, values: &[i32]) -> InList<E>
where
    E: Expression<SqlType = sql_types::Integer>,
{
    let items = values
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    InList {
        expr,
        json: format!("[{items}]"),
        array: format!("{{{items}}}"),
    }
}

impl<E: Expression> Expression for InList<E> {
    type SqlType = sql_types::Bool;
}

impl<E, QS> SelectableExpression<QS> for InList<E> where E: SelectableExpression<QS> {}

impl<E, QS> AppearsOnTable<QS> for InList<E> where E: AppearsOnTable<QS> {}

impl<E: ValidGrouping<GB>, GB> ValidGrouping<GB> for InList<E> {
    type IsAggregate = E::IsAggregate;
}

impl<E: QueryId + 'static> QueryId for InList<E> {
    type QueryId = InList<E::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
}

impl<E: QueryFragment<Sqlite>> QueryFragment<Sqlite> for InList<E> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.expr.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<sql_types::Text, String>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}

impl<E: QueryFragment<Pg>> QueryFragment<Pg> for InList<E> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.expr.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(CAST(");
        out.push_bind_param::<sql_types::Text, String>(&self.array)?;
        out.push_sql(" AS integer[]))");
        Ok(())
    }
}

impl<E> QueryFragment<MultiBackend> for InList<E>
where
    E: QueryFragment<Sqlite> + QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}
