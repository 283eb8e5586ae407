//! Who is asking: sessions (a random id in an HttpOnly, SameSite=Strict cookie; only its
//! SHA-256 is stored) or API tokens (`Authorization: Bearer …`), Argon2id passwords, CSRF
//! tokens bound to the session.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};
use duban_domain::supervision::AccountRole;
use duban_store::{Actor, UserRecord};
use sha2::{Digest, Sha256};

use crate::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "duban_session";

/// How a request is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// Nobody.
    Anonymous,
    /// A browser session (state-changing requests need its CSRF token).
    Session,
    /// An API token.
    Token,
}

/// The person behind a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The account, if signed in.
    pub user: Option<UserRecord>,
    /// How.
    pub via: Via,
    /// The session's CSRF token.
    pub csrf: Option<String>,
    /// The session id's hash (to end it).
    pub session_hash: Option<String>,
    /// The client's address.
    pub addr: Option<String>,
}

impl Viewer {
    /// Nobody signed in.
    pub fn anonymous(addr: Option<String>) -> Self {
        Self {
            user: None,
            via: Via::Anonymous,
            csrf: None,
            session_hash: None,
            addr,
        }
    }

    /// The role, if signed in.
    pub fn role(&self) -> Option<AccountRole> {
        self.user.as_ref().map(|u| u.role)
    }

    /// The account's unit.
    pub fn unit(&self) -> Option<i64> {
        self.user.as_ref().and_then(|u| u.unit_id)
    }

    /// Whether the viewer is the coordination office.
    pub fn is_office(&self) -> bool {
        self.role().is_some_and(AccountRole::is_office)
    }

    /// The viewer as the audit log records it.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user.as_ref().map(|u| u.id),
            unit_id: self.unit(),
            role: self
                .role()
                .map_or("anonymous", AccountRole::as_str)
                .to_owned(),
            addr: self.addr.clone(),
        }
    }

    /// Resolves the viewer of a request from its cookie or bearer token.
    pub async fn resolve(state: &AppState, headers: &HeaderMap, addr: Option<String>) -> Self {
        if let Some(token) = bearer(headers) {
            let user = state
                .store
                .token_user(&sha256_hex(token.as_bytes()))
                .await
                .inspect_err(
                    |e| tracing::error!(error = %e, "token lookup failed; treated as anonymous"),
                )
                .ok()
                .flatten();
            return match user {
                Some(user) => Self {
                    user: Some(user),
                    via: Via::Token,
                    csrf: None,
                    session_hash: None,
                    addr,
                },
                None => Self::anonymous(addr),
            };
        }
        let Some(id) = cookie(headers, SESSION_COOKIE) else {
            return Self::anonymous(addr);
        };
        let hash = sha256_hex(id.as_bytes());
        match state.store.session(&hash, &state.config.security).await {
            Ok(Some(session)) => Self {
                user: Some(session.user),
                via: Via::Session,
                csrf: Some(session.csrf_token),
                session_hash: Some(hash),
                addr,
            },
            Ok(None) => Self::anonymous(addr),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed; treated as anonymous");
                Self::anonymous(addr)
            }
        }
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.extensions.get::<Self>() {
            return Ok(v.clone());
        }
        Ok(Self::resolve(state, &parts.headers, client_addr(parts)).await)
    }
}

/// The client's address from the connection.
pub fn client_addr(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A cookie's value from the request's `Cookie` headers (the first of that name; empty is none).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: `Path=/`, HttpOnly, the SameSite given, `Secure` when asked and
/// `Max-Age` when given (0 ends the cookie).
pub(crate) fn set_cookie(
    name: &str,
    value: &str,
    same_site: SameSite,
    secure: bool,
    max_age: Option<i64>,
) -> Option<HeaderValue> {
    let mut c = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(same_site)
        .secure(secure);
    if let Some(age) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(age));
    }
    HeaderValue::from_str(&c.build().to_string()).ok()
}

/// SHA-256 of bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    duban_store::hex(&Sha256::digest(bytes))
}

/// `n` random bytes as lowercase hex (session ids, CSRF and API tokens, one-time passwords).
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    if let Err(e) = getrandom::fill(&mut bytes) {
        // No entropy source is a broken machine: refuse to make guessable secrets.
        tracing::error!(error = %e, "no random source; aborting");
        std::process::abort();
    }
    duban_store::hex(&bytes)
}

/// A one-time password that meets the default policy (upper, lower, digit, symbol).
pub fn one_time_password() -> String {
    let raw = random_hex(8);
    format!(
        "Db-{}-{}x",
        raw.get(..8).unwrap_or("0"),
        raw.get(8..).unwrap_or("0").to_uppercase()
    )
}

/// Hashes a password with Argon2id (m=19 MiB, t=2, p=1: OWASP's baseline).
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A stored hash to verify against when the account does not exist, so that a wrong name
/// takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("duban-dummy-password").unwrap_or_default())
}

/// Compares secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use duban_domain::supervision::PasswordPolicy;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("Haidong-2024x").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Haidong-2024x", &h));
        assert!(!verify_password("haidong-2024x", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn cookies_parse_and_keep_their_attributes() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("duban_lang=en; other=1"),
        );
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("duban_session=abc123; duban_session=second"),
        );
        assert_eq!(cookie(&headers, "duban_lang").as_deref(), Some("en"));
        assert_eq!(cookie(&headers, "duban_session").as_deref(), Some("abc123"));
        assert_eq!(cookie(&headers, "duban"), None);
        headers.insert(header::COOKIE, HeaderValue::from_static("duban_session="));
        assert_eq!(cookie(&headers, "duban_session"), None);

        let attributes = |v: HeaderValue| {
            let s = v.to_str().unwrap().to_owned();
            let mut parts: Vec<String> = s.split("; ").map(str::to_owned).collect();
            parts[1..].sort();
            parts
        };
        let session = set_cookie("duban_session", "abc", SameSite::Strict, true, None).unwrap();
        assert_eq!(
            attributes(session),
            [
                "duban_session=abc",
                "HttpOnly",
                "Path=/",
                "SameSite=Strict",
                "Secure"
            ]
        );
        let ended = set_cookie("duban_session", "", SameSite::Strict, false, Some(0)).unwrap();
        assert_eq!(
            attributes(ended),
            [
                "duban_session=",
                "HttpOnly",
                "Max-Age=0",
                "Path=/",
                "SameSite=Strict"
            ]
        );
        let lang = set_cookie("duban_lang", "en", SameSite::Lax, false, Some(31_536_000)).unwrap();
        assert_eq!(
            attributes(lang),
            [
                "duban_lang=en",
                "HttpOnly",
                "Max-Age=31536000",
                "Path=/",
                "SameSite=Lax"
            ]
        );
    }

    #[test]
    fn one_time_passwords_meet_the_policy_and_differ() {
        let a = one_time_password();
        assert_eq!(PasswordPolicy::default().check(&a, "admin"), Ok(()));
        assert_ne!(a, one_time_password());
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("a", "ab"));
    }
}
