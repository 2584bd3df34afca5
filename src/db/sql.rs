//! SQL expressions diesel does not have, written so that the statements
//! using them stay in diesel's prepared-statement cache (a `sql("…")`
//! literal marks its whole statement as never cached: it is parsed and
//! planned again on every page view).

use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::BigInt;
use diesel::{QueryResult, sql_types};

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

/// `e IN (SELECT value FROM json_each(?))` (SQLite): a list of integers as
/// one bind, so the statement has the same text for any list and stays
/// prepared (diesel's `eq_any` writes one placeholder per value and marks
/// the statement as never cached). PostgreSQL's `eq_any` binds an array and
/// is cached already.
#[derive(Debug, Clone)]
pub struct InJsonList<E> {
    expr: E,
    json: String,
}

pub fn in_json_list<E>(expr: E, values: &[i32]) -> InJsonList<E>
where
    E: Expression<SqlType = sql_types::Integer>,
{
    let json = serde_json::to_string(values).unwrap_or_else(|_| "[]".into());
    InJsonList { expr, json }
}

impl<E: Expression> Expression for InJsonList<E> {
    type SqlType = sql_types::Bool;
}

impl<E, QS> SelectableExpression<QS> for InJsonList<E> where E: SelectableExpression<QS> {}

impl<E, QS> AppearsOnTable<QS> for InJsonList<E> where E: AppearsOnTable<QS> {}

impl<E: ValidGrouping<GB>, GB> ValidGrouping<GB> for InJsonList<E> {
    type IsAggregate = E::IsAggregate;
}

impl<E: QueryId + 'static> QueryId for InJsonList<E> {
    type QueryId = InJsonList<E::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = E::HAS_STATIC_QUERY_ID;
}

impl<E, DB> QueryFragment<DB> for InJsonList<E>
where
    DB: Backend + diesel::sql_types::HasSqlType<sql_types::Text>,
    E: QueryFragment<DB>,
    String: diesel::serialize::ToSql<sql_types::Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.expr.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<sql_types::Text, String>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}
