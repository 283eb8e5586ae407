//! Accounts on every backend: creation rules, lockout after repeated failures, an
//! administrator's reset, idle sessions, disabled accounts losing sessions and tokens.

use crate::common::*;
use duban_domain::supervision::{AccountRole, SecurityPolicy};
use duban_store::{Actor, NewUser, StoreError};

#[tokio::test]
async fn accounts_lock_after_repeated_failures() {
    for db in databases("accounts").await {
        let (s, _) = seeded(&db).await;
        let unit = s.unit("市交通运输局").await.unwrap().unwrap();
        let new = |name: &str, role, unit_id| NewUser {
            username: name.into(),
            display_name: name.into(),
            role,
            unit_id,
            password_hash: "$argon2id$stub".into(),
        };
        let admin = s
            .create_user(&Actor::cli(), &new("admin", AccountRole::Admin, None))
            .await
            .unwrap();
        let reporter = s
            .create_user(
                &Actor::cli(),
                &new("jt", AccountRole::Reporter, Some(unit.id)),
            )
            .await
            .unwrap();
        let again = s
            .create_user(&Actor::cli(), &new("jt", AccountRole::Leader, None))
            .await;
        assert!(matches!(again, Err(StoreError::Invalid(m)) if m.contains("已被使用")));
        let no_unit = s
            .create_user(&Actor::cli(), &new("x1", AccountRole::Reporter, None))
            .await;
        assert!(matches!(no_unit, Err(StoreError::Invalid(_))));
        let user = s.user(reporter).await.unwrap().unwrap();
        assert_eq!(user.unit_name.as_deref(), Some("市交通运输局"));
        assert!(user.must_change_password);

        let policy = SecurityPolicy {
            max_failed_logins: 3,
            ..SecurityPolicy::default()
        };
        for _ in 0..2 {
            s.record_login(&Actor::system(), reporter, false, &policy)
                .await
                .unwrap();
        }
        assert_eq!(s.user(reporter).await.unwrap().unwrap().locked_until, None);
        s.record_login(&Actor::system(), reporter, false, &policy)
            .await
            .unwrap();
        let locked = s
            .user(reporter)
            .await
            .unwrap()
            .unwrap()
            .locked_until
            .unwrap();
        assert!(locked > duban_store::now() + policy.lockout_seconds - 5);
        // An administrator's reset unlocks and ends sessions.
        s.create_session(&Actor::system(), reporter, "h1", "csrf1")
            .await
            .unwrap();
        assert!(s.session("h1", &policy).await.unwrap().is_some());
        s.set_password(
            &actor(admin, None, "admin"),
            reporter,
            "$argon2id$new",
            true,
        )
        .await
        .unwrap();
        let user = s.user(reporter).await.unwrap().unwrap();
        assert_eq!((user.locked_until, user.failed_logins), (None, 0));
        assert!(s.session("h1", &policy).await.unwrap().is_none());
        // Idle timeout.
        s.create_session(&Actor::system(), reporter, "h2", "csrf2")
            .await
            .unwrap();
        let idle = SecurityPolicy {
            idle_timeout_seconds: -1,
            ..policy
        };
        assert!(s.session("h2", &idle).await.unwrap().is_none());
        assert_eq!(
            s.session("h2", &policy).await.unwrap().unwrap().csrf_token,
            "csrf2"
        );
        // Disabled accounts lose sessions and tokens.
        s.create_token(&Actor::cli(), reporter, "ci", "tokenhash")
            .await
            .unwrap();
        assert_eq!(
            s.token_user("tokenhash").await.unwrap().unwrap().id,
            reporter
        );
        s.set_user_disabled(&Actor::cli(), reporter, true)
            .await
            .unwrap();
        assert!(s.token_user("tokenhash").await.unwrap().is_none());
        assert!(s.session("h2", &policy).await.unwrap().is_none());
        let check = s.verify_audit().await.unwrap();
        assert_eq!(check.broken, None);
        assert!(check.events >= 10, "{check:?}");
        drop(s);
        db.cleanup().await;
    }
}
