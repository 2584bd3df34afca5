//! The domain's enums as TEXT columns, on both backends: each is stored as
//! its stable `code()` and read back through `from_code`, so a row holds a
//! `State`, never a string that might not be one. The diesel impls live here
//! because `domain/` does no I/O; `foreign_derive` lets diesel's derives
//! implement its traits for a type defined elsewhere.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use diesel::pg::{Pg, PgValue};
use diesel::sqlite::{Sqlite, SqliteValue};

use super::{MultiBackend, MultiRawValue};
use crate::domain::payer::Payer;
use crate::domain::request::{DocsWay, Reason};
use crate::domain::staff::{LineType, Operator};
use crate::domain::thread::{Category, ThreadState};
use crate::domain::workflow::State;

macro_rules! text_column {
    ($ty:ty, $proxy:ident) => {
        #[derive(AsExpression, FromSqlRow)]
        #[diesel(foreign_derive)]
        #[diesel(sql_type = Text)]
        #[allow(dead_code)]
        struct $proxy($ty);

        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.code(), out)
            }
        }

        // Read in place on each backend: a list page decodes a few hundred
        // codes, and going through `String` allocated each.
        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                from_code(value.read_text())
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                from_code(std::str::from_utf8(value.as_bytes())?)
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }

        impl Code for $ty {
            fn from_code(code: &str) -> Option<Self> {
                <$ty>::from_code(code)
            }
        }
    };
}

/// A type stored as its text code.
trait Code: Sized {
    fn from_code(code: &str) -> Option<Self>;
}

fn from_code<T: Code>(code: &str) -> deserialize::Result<T> {
    T::from_code(code)
        .ok_or_else(|| format!("unknown {} code {code:?}", std::any::type_name::<T>()).into())
}

text_column!(State, StateColumn);
text_column!(Reason, ReasonColumn);
text_column!(Operator, OperatorColumn);
text_column!(LineType, LineTypeColumn);
text_column!(DocsWay, DocsWayColumn);
text_column!(Payer, PayerColumn);
text_column!(ThreadState, ThreadStateColumn);
text_column!(Category, CategoryColumn);
