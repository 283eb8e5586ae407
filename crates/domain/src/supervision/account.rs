//! Accounts: the roles people hold and the password and session rules a 等保 2.0 level-3
//! assessment expects (length and character classes, lockout, idle and absolute timeouts).

use serde::{Deserialize, Serialize};

/// What a person does in duban.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// The coordination office's administrator: everything, including accounts and the audit log.
    Admin,
    /// The coordination office's reviewer: rounds, review, milestones, chasing.
    Reviewer,
    /// A responsible unit's reporter: its own unit's reports only.
    Reporter,
    /// A city leader: reads everything.
    Leader,
    /// An analyst: reads and exports.
    Analyst,
}

impl AccountRole {
    /// Every role, in the order pages list them.
    pub const ALL: [Self; 5] = [
        Self::Admin,
        Self::Reviewer,
        Self::Reporter,
        Self::Leader,
        Self::Analyst,
    ];

    /// The name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Reviewer => "reviewer",
            Self::Reporter => "reporter",
            Self::Leader => "leader",
            Self::Analyst => "analyst",
        }
    }

    /// The role a stored name means.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The coordination office (administrator or reviewer).
    pub fn is_office(self) -> bool {
        matches!(self, Self::Admin | Self::Reviewer)
    }
}

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyViolation {
    /// Fewer characters than the policy asks.
    TooShort(usize),
    /// Fewer character classes (upper, lower, digit, symbol) than the policy asks.
    TooFewClasses(usize),
    /// Contains the account name.
    ContainsUsername,
    /// Same as the current password.
    Unchanged,
}

impl PolicyViolation {
    /// The reason in Chinese.
    pub fn message(&self) -> String {
        match self {
            Self::TooShort(n) => format!("密码至少 {n} 个字符"),
            Self::TooFewClasses(n) => {
                format!("密码须包含大写字母、小写字母、数字、符号中的至少 {n} 类")
            }
            Self::ContainsUsername => "密码不得包含账号名".to_owned(),
            Self::Unchanged => "新密码不得与原密码相同".to_owned(),
        }
    }

    /// The reason in English.
    pub fn message_en(&self) -> String {
        match self {
            Self::TooShort(n) => format!("the password needs at least {n} characters"),
            Self::TooFewClasses(n) => format!(
                "the password needs at least {n} of: upper case, lower case, digits, symbols"
            ),
            Self::ContainsUsername => "the password must not contain the user name".to_owned(),
            Self::Unchanged => "the new password must differ from the old one".to_owned(),
        }
    }
}

/// Password rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    /// Minimum length in characters.
    pub min_length: usize,
    /// Minimum number of character classes among upper, lower, digit, symbol.
    pub min_classes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 10,
            min_classes: 3,
        }
    }
}

impl PasswordPolicy {
    /// Checks a new password for an account.
    pub fn check(&self, password: &str, username: &str) -> Result<(), PolicyViolation> {
        if password.chars().count() < self.min_length {
            return Err(PolicyViolation::TooShort(self.min_length));
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .into_iter()
        .filter(|&b| b)
        .count();
        if classes < self.min_classes {
            return Err(PolicyViolation::TooFewClasses(self.min_classes));
        }
        let name = username.trim().to_lowercase();
        if name.chars().count() >= 3 && password.to_lowercase().contains(&name) {
            return Err(PolicyViolation::ContainsUsername);
        }
        Ok(())
    }
}

/// Account and session rules, configurable per deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityPolicy {
    /// Password rules.
    pub password: PasswordPolicy,
    /// Failed logins in a row that lock an account.
    pub max_failed_logins: i64,
    /// How long a locked account stays locked, in seconds.
    pub lockout_seconds: i64,
    /// A session unused this long ends, in seconds.
    pub idle_timeout_seconds: i64,
    /// A session ends this long after login whatever happens, in seconds.
    pub absolute_timeout_seconds: i64,
    /// A password older than this must be changed at next login (0: never), in days.
    pub password_max_age_days: i64,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self {
            password: PasswordPolicy::default(),
            max_failed_logins: 5,
            lockout_seconds: 30 * 60,
            idle_timeout_seconds: 30 * 60,
            absolute_timeout_seconds: 12 * 3600,
            password_max_age_days: 90,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check("Ab1!", "x"), Err(PolicyViolation::TooShort(10)));
        assert_eq!(
            p.check("abcdefghijk", "x"),
            Err(PolicyViolation::TooFewClasses(3))
        );
        assert_eq!(
            p.check("Zhangsan-2024x", "zhangsan"),
            Err(PolicyViolation::ContainsUsername)
        );
        assert_eq!(p.check("Haidong-2024x", "zhangsan"), Ok(()));
        assert_eq!(p.check("海东都市圈督办2024x", "li"), Ok(()));
    }

    #[test]
    fn role_names_round_trip() {
        for role in AccountRole::ALL {
            assert_eq!(AccountRole::parse(role.as_str()), Some(role));
            assert_eq!(
                serde_json::to_value(role).unwrap(),
                serde_json::Value::from(role.as_str())
            );
        }
    }
}
