//! Storage errors, with messages for people in Chinese (and English on request).

/// Why a store operation failed. `Display` gives the Chinese message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported database.
    #[error("数据库地址“{url}”无法识别：应以 sqlite:// 或 postgres:// 开头")]
    UnsupportedUrl {
        /// The URL with any password hidden.
        url: String,
    },
    /// The database could not be reached or opened.
    #[error("无法连接数据库“{url}”：{detail}")]
    Connect {
        /// The URL with any password hidden.
        url: String,
        /// What the driver said.
        detail: String,
    },
    /// Migrations could not be applied.
    #[error("数据库迁移失败：{0}")]
    Migrate(String),
    /// The document is not a plan; nothing was stored.
    #[error("不是可导入的计划：{0}；未保存任何内容")]
    NotAPlan(String),
    /// A registry file that cannot be loaded; nothing was stored.
    #[error("单位名录有误：{0}；未保存任何内容")]
    InvalidRegistry(String),
    /// A stored plan could not be read back.
    #[error("数据库中的计划数据已损坏：{0}")]
    Corrupt(String),
    /// Someone else changed the record since it was read; nothing was written.
    #[error("此记录已被他人修改（{0}），未保存；请刷新后重试")]
    Conflict(String),
    /// The record named does not exist.
    #[error("{0}不存在")]
    NotFound(String),
    /// The request is not allowed in the record's state, or a value is wrong; nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// Any other database failure.
    #[error("数据库操作失败：{0}")]
    Database(String),
}

impl StoreError {
    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::UnsupportedUrl { url } => {
                format!("unsupported database URL '{url}': expected sqlite:// or postgres://")
            }
            Self::Connect { url, detail } => {
                format!("cannot connect to database '{url}': {detail}")
            }
            Self::Migrate(d) => format!("database migration failed: {d}"),
            Self::NotAPlan(d) => {
                format!("not a plan that can be imported: {d}; nothing was stored")
            }
            Self::Corrupt(d) => format!("a stored plan is damaged: {d}"),
            Self::InvalidRegistry(d) => {
                format!("the unit registry is invalid: {d}; nothing was stored")
            }
            Self::Conflict(d) => {
                format!(
                    "someone else changed this record ({d}); nothing was saved: reload and retry"
                )
            }
            Self::NotFound(d) => format!("not found: {d}"),
            Self::Invalid(d) => d.clone(),
            Self::Database(d) => format!("database operation failed: {d}"),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        Self::Database(e.to_string())
    }
}

/// A URL safe to show: the password replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            super::redact("sqlite://data/duban.sqlite"),
            "sqlite://data/duban.sqlite"
        );
    }
}
