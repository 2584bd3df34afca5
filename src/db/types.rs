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

        impl<DB: Backend> FromSql<Text, DB> for $ty
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let code = <String as FromSql<Text, DB>>::from_sql(bytes)?;
                <$ty>::from_code(&code)
                    .ok_or_else(|| format!("unknown {} code {code:?}", stringify!($ty)).into())
            }
        }
    };
}

text_column!(State, StateColumn);
text_column!(Reason, ReasonColumn);
text_column!(Operator, OperatorColumn);
text_column!(LineType, LineTypeColumn);
text_column!(DocsWay, DocsWayColumn);
text_column!(Payer, PayerColumn);
text_column!(ThreadState, ThreadStateColumn);
text_column!(Category, CategoryColumn);
