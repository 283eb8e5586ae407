//! Accounts, sessions and API tokens. Password hashing happens outside (the web layer and the
//! CLI hash with Argon2id); the store keeps PHC strings, counts failures and locks.

use duban_domain::supervision::{AccountRole, SecurityPolicy};
use sqlx::{Acquire, Row};

use crate::audit::{self, json};
use crate::model::{Actor, NewUser, SessionRecord, UserRecord};
use crate::sql::SqlStore;
use crate::{Result, StoreError, now};

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.unit_id, n.name,
    u.password_hash, u.must_change_password, u.failed_logins, u.locked_until,
    u.password_changed_at, u.disabled_at";

fn user(r: &sqlx::any::AnyRow) -> Result<UserRecord> {
    user_at(r, 0)
}

/// A user from the columns of `USER_COLUMNS` starting at `o`.
fn user_at(r: &sqlx::any::AnyRow, o: usize) -> Result<UserRecord> {
    let role: String = r.try_get(o + 3)?;
    Ok(UserRecord {
        id: r.try_get(o)?,
        username: r.try_get(o + 1)?,
        display_name: r.try_get(o + 2)?,
        role: AccountRole::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("未知角色 {role}")))?,
        unit_id: r.try_get(o + 4)?,
        unit_name: r.try_get(o + 5)?,
        password_hash: r.try_get(o + 6)?,
        must_change_password: r.try_get::<i64, _>(o + 7)? != 0,
        failed_logins: r.try_get(o + 8)?,
        locked_until: r.try_get(o + 9)?,
        password_changed_at: r.try_get(o + 10)?,
        disabled_at: r.try_get(o + 11)?,
    })
}

const USER_FROM: &str = "FROM users u LEFT JOIN units n ON n.id = u.unit_id";

pub(crate) async fn by_id(store: &SqlStore, id: i64) -> Result<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE u.id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&store.pool)
        .await?;
    row.as_ref().map(user).transpose()
}

pub(crate) async fn by_name(store: &SqlStore, username: &str) -> Result<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} WHERE u.username = $1");
    let row = sqlx::query(&sql)
        .bind(username)
        .fetch_optional(&store.pool)
        .await?;
    row.as_ref().map(user).transpose()
}

pub(crate) async fn all(store: &SqlStore) -> Result<Vec<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} {USER_FROM} ORDER BY u.id");
    let rows = sqlx::query(&sql).fetch_all(&store.pool).await?;
    rows.iter().map(user).collect()
}

pub(crate) async fn create(store: &SqlStore, actor: &Actor, new: &NewUser) -> Result<i64> {
    let name = new.username.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_whitespace) {
        return Err(StoreError::Invalid(
            "账号名须为 1–64 个字符且不含空白".to_owned(),
        ));
    }
    if new.role == AccountRole::Reporter && new.unit_id.is_none() {
        return Err(StoreError::Invalid("填报人员须指定所属单位".to_owned()));
    }
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    if let Some(unit) = new.unit_id {
        let known = sqlx::query("SELECT id FROM units WHERE id = $1")
            .bind(unit)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::NotFound(format!("单位 {unit}")));
        }
    }
    let taken = sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(StoreError::Invalid(format!("账号名“{name}”已被使用")));
    }
    let unit = new.unit_id;
    let id: i64 = sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, role, unit_id,
            must_change_password, failed_logins, password_changed_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 1, 0, $6, $6) RETURNING id",
    )
    .bind(name)
    .bind(new.display_name.trim())
    .bind(&new.password_hash)
    .bind(new.role.as_str())
    .bind(unit)
    .bind(now())
    .persistent(false)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let after = serde_json::json!({ "username": name, "display_name": new.display_name.trim(), "role": new.role.as_str(), "unit_id": unit });
    audit::append(
        &mut tx,
        actor,
        "user.create",
        "user",
        &id.to_string(),
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records a login attempt: a success clears the failures, a failure counts and may lock.
pub(crate) async fn record_login(
    store: &SqlStore,
    actor: &Actor,
    user_id: i64,
    success: bool,
    policy: &SecurityPolicy,
) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let t = now();
    let (action, after) = if success {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        ("user.login", serde_json::json!({ "failed_logins": 0 }))
    } else {
        let failed: i64 = sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        if failed >= policy.max_failed_logins {
            let until = t + policy.lockout_seconds;
            sqlx::query("UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2")
                .bind(until)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            ("user.lock", serde_json::json!({ "locked_until": until }))
        } else {
            (
                "user.login_failed",
                serde_json::json!({ "failed_logins": failed }),
            )
        }
    };
    audit::append(
        &mut tx,
        actor,
        action,
        "user",
        &user_id.to_string(),
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a password hash; ends the account's sessions when the account itself did not ask
/// (an administrator's reset), and in any case clears the lock.
pub(crate) async fn set_password(
    store: &SqlStore,
    actor: &Actor,
    user_id: i64,
    password_hash: &str,
    must_change: bool,
) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3,
            failed_logins = 0, locked_until = NULL WHERE id = $4",
    )
    .bind(password_hash)
    .bind(i64::from(must_change))
    .bind(now())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("账号 {user_id}")));
    }
    if must_change {
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL")
            .bind(now())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    let after = serde_json::json!({ "password": "changed", "must_change_password": must_change });
    audit::append(
        &mut tx,
        actor,
        "user.password",
        "user",
        &user_id.to_string(),
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Disables or re-enables an account; disabling ends its sessions.
pub(crate) async fn set_disabled(
    store: &SqlStore,
    actor: &Actor,
    user_id: i64,
    disabled: bool,
) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let t = now();
    let done = sqlx::query(
        "UPDATE users SET disabled_at = $1, locked_until = NULL, failed_logins = 0 WHERE id = $2",
    )
    .bind(disabled.then_some(t))
    .bind(user_id)
    .persistent(false)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("账号 {user_id}")));
    }
    if disabled {
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL")
            .bind(t)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(t)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit::append(
        &mut tx,
        actor,
        action,
        "user",
        &user_id.to_string(),
        None,
        Some(&json(&disabled)?),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn create_session(
    store: &SqlStore,
    actor: &Actor,
    user_id: i64,
    id_hash: &str,
    csrf: &str,
) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let t = now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(t)
    .execute(&mut *tx)
    .await?;
    let short = id_hash.get(..12).unwrap_or(id_hash);
    audit::append(
        &mut tx,
        actor,
        "session.create",
        "session",
        short,
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A live session by its id's hash, checked against the timeouts; a live one is touched.
pub(crate) async fn session(
    store: &SqlStore,
    id_hash: &str,
    policy: &SecurityPolicy,
) -> Result<Option<SessionRecord>> {
    // One query for the session and its account: every signed-in request makes it.
    let sql = format!(
        "SELECT s.csrf_token, s.created_at, s.last_seen_at, {USER_COLUMNS} FROM sessions s
         JOIN users u ON u.id = s.user_id LEFT JOIN units n ON n.id = u.unit_id
         WHERE s.id_hash = $1 AND s.ended_at IS NULL"
    );
    let row = sqlx::query(&sql)
        .bind(id_hash)
        .fetch_optional(&store.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let (csrf_token, created_at, last_seen_at): (String, i64, i64) =
        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    let user = user_at(&row, 3)?;
    let t = now();
    if t - last_seen_at > policy.idle_timeout_seconds
        || t - created_at > policy.absolute_timeout_seconds
        || user.disabled_at.is_some()
    {
        return Ok(None);
    }
    // Touch at most once a minute: a page view is not a write worth a disk flush.
    if t - last_seen_at >= 60 {
        let _write = store.write_guard().await;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(t)
            .bind(id_hash)
            .execute(&store.pool)
            .await?;
    }
    Ok(Some(SessionRecord {
        user,
        csrf_token,
        created_at,
        last_seen_at,
    }))
}

pub(crate) async fn end_session(store: &SqlStore, actor: &Actor, id_hash: &str) -> Result<()> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let done =
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL")
            .bind(now())
            .bind(id_hash)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() > 0 {
        let short = id_hash.get(..12).unwrap_or(id_hash);
        audit::append(&mut tx, actor, "session.end", "session", short, None, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn create_token(
    store: &SqlStore,
    actor: &Actor,
    user_id: i64,
    name: &str,
    token_hash: &str,
) -> Result<i64> {
    let _write = store.write_guard().await;
    let mut conn = store.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let after = serde_json::json!({ "user_id": user_id, "name": name });
    audit::append(
        &mut tx,
        actor,
        "token.create",
        "api_token",
        &id.to_string(),
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The live account a token belongs to.
pub(crate) async fn token_user(store: &SqlStore, token_hash: &str) -> Result<Option<UserRecord>> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
         LEFT JOIN units n ON n.id = u.unit_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
    );
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .fetch_optional(&store.pool)
        .await?;
    let user = row.as_ref().map(user).transpose()?;
    Ok(user.filter(|u| u.disabled_at.is_none()))
}
