//! SQL written piece by piece with its values bound, for the few queries whose conditions depend
//! on a filter. It does what `sqlx::QueryBuilder` does, with one difference that matters here:
//! through `sqlx::Any`, `QueryBuilder::push_bind` writes `?` placeholders (`AnyArguments` keeps
//! sqlx's default), which PostgreSQL refuses; this writes `$1`, `$2`, … as every other query of
//! the store does, valid on both backends. Values never enter the SQL text.

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Encode, Type};

/// A statement being built and the values bound so far.
#[derive(Default)]
pub(crate) struct BoundSql<'a> {
    sql: String,
    args: AnyArguments<'a>,
    error: Option<sqlx::error::BoxDynError>,
}

impl<'a> BoundSql<'a> {
    /// Starts with `sql`.
    pub(crate) fn new(sql: &str) -> Self {
        Self {
            sql: sql.to_owned(),
            ..Self::default()
        }
    }

    /// Appends SQL text (never a value: those go through [`Self::push_bind`]).
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends the next placeholder and binds `value` to it.
    pub(crate) fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        if let Err(e) = self.args.add(value) {
            self.error.get_or_insert(e);
        }
        self.sql.push('$');
        self.sql.push_str(&self.args.len().to_string());
        self
    }

    /// The statement, ready to run, or why a value could not be bound.
    pub(crate) fn build(&mut self) -> crate::Result<sqlx::query::Query<'_, Any, AnyArguments<'_>>> {
        if let Some(e) = self.error.take() {
            return Err(crate::StoreError::Database(format!("binding a value: {e}")));
        }
        Ok(sqlx::query_with(&self.sql, std::mem::take(&mut self.args)))
    }

    /// The SQL text so far.
    #[cfg(test)]
    pub(crate) fn sql(&self) -> &str {
        &self.sql
    }
}

#[cfg(test)]
mod tests {
    use super::BoundSql;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut q = BoundSql::new("SELECT 1 FROM t WHERE 1 = 1");
        q.push(" AND a = ").push_bind(7_i64);
        q.push(" AND b = ")
            .push_bind("x'; DROP TABLE t; --".to_owned());
        q.push(" LIMIT ").push_bind(5_i64);
        assert_eq!(
            q.sql(),
            "SELECT 1 FROM t WHERE 1 = 1 AND a = $1 AND b = $2 LIMIT $3"
        );
    }
}
