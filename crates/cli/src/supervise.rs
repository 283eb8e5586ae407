//! Supervision from the command line: settings shared by `serve` and `remind`, the first
//! administrator, accounts, API tokens, the audit check and the reminder job.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use duban_domain::supervision::{AccountRole, PasswordPolicy, SecurityPolicy};
use duban_store::{Actor, NewUser, Store, StoreError};
use duban_web::{Config, SmtpConfig, auth};

use crate::Lang;
use crate::db::{DbArgs, fail, open, run};

/// Security, evidence and reminder settings (flags or `DUBAN_*` environment variables).
#[derive(Debug, Clone, clap::Args)]
pub struct SupervisionArgs {
    /// Serve session cookies without the Secure flag (plain HTTP on a closed network only).
    #[arg(long, env = "DUBAN_INSECURE_COOKIES")]
    insecure_cookies: bool,
    /// Where evidence files are kept (default: DATA_DIR/evidence).
    #[arg(long, env = "DUBAN_EVIDENCE_DIR")]
    evidence_dir: Option<PathBuf>,
    /// Largest evidence file, in MB.
    #[arg(long, env = "DUBAN_MAX_FILE_MB", default_value_t = 20)]
    max_file_mb: usize,
    /// Minimum password length.
    #[arg(long, env = "DUBAN_PASSWORD_MIN_LENGTH", default_value_t = 10)]
    password_min_length: usize,
    /// Minimum character classes (of upper, lower, digit, symbol) in a password.
    #[arg(long, env = "DUBAN_PASSWORD_MIN_CLASSES", default_value_t = 3)]
    password_min_classes: usize,
    /// Days after which a password must be changed (0: never).
    #[arg(long, env = "DUBAN_PASSWORD_MAX_AGE_DAYS", default_value_t = 90)]
    password_max_age_days: i64,
    /// Failed logins in a row that lock an account.
    #[arg(long, env = "DUBAN_MAX_FAILED_LOGINS", default_value_t = 5)]
    max_failed_logins: i64,
    /// Minutes an account stays locked.
    #[arg(long, env = "DUBAN_LOCKOUT_MINUTES", default_value_t = 30)]
    lockout_minutes: i64,
    /// Minutes of inactivity that end a session.
    #[arg(long, env = "DUBAN_SESSION_IDLE_MINUTES", default_value_t = 30)]
    session_idle_minutes: i64,
    /// Hours after which a session ends regardless.
    #[arg(long, env = "DUBAN_SESSION_MAX_HOURS", default_value_t = 12)]
    session_max_hours: i64,
    /// Days before a due date that reminders start.
    #[arg(long, env = "DUBAN_REMINDER_LEAD_DAYS", default_value_t = 3)]
    reminder_lead_days: i64,
    /// The office's time zone, hours east of UTC.
    #[arg(long, env = "DUBAN_UTC_OFFSET_HOURS", default_value_t = 8)]
    utc_offset_hours: i64,
    /// SMTP relay for notices by e-mail (host:port).
    #[arg(long, env = "DUBAN_SMTP")]
    smtp: Option<String>,
    /// Sender address of notices.
    #[arg(long, env = "DUBAN_SMTP_FROM", default_value = "duban@localhost")]
    smtp_from: String,
    /// SMTP user, if the relay asks for one (password in DUBAN_SMTP_PASSWORD).
    #[arg(long, env = "DUBAN_SMTP_USER")]
    smtp_user: Option<String>,
    /// SMTP password.
    #[arg(long, env = "DUBAN_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// A JSON file mapping unit names to e-mail addresses.
    #[arg(long, env = "DUBAN_UNIT_EMAILS")]
    unit_emails: Option<PathBuf>,
    /// A webhook that receives every notice as JSON (WeCom, DingTalk and similar bots).
    #[arg(long, env = "DUBAN_WEBHOOK_URL", hide_env_values = true)]
    webhook_url: Option<String>,
    /// County boundaries for the map: a GeoJSON FeatureCollection whose features carry their
    /// GB/T 2260 code in `id` or `properties.adcode` (default: the bundled demo boundaries,
    /// not an approved map).
    #[arg(long, env = "DUBAN_MAP_GEOJSON")]
    map_geojson: Option<PathBuf>,
    /// The map's source and approval number (审图号), shown under it.
    #[arg(long, env = "DUBAN_MAP_ATTRIBUTION")]
    map_attribution: Option<String>,
}

impl SupervisionArgs {
    /// The web layer's settings.
    pub fn config(&self, db: &DbArgs, lang: Lang) -> Result<Config, String> {
        let smtp = match &self.smtp {
            None => None,
            Some(address) => {
                let (host, port) = address.rsplit_once(':').unwrap_or((address, "25"));
                let port = port.parse().map_err(|_| match lang {
                    Lang::Zh => format!("SMTP 地址“{address}”的端口无效"),
                    Lang::En => format!("bad port in SMTP address '{address}'"),
                })?;
                Some(SmtpConfig {
                    host: host.to_owned(),
                    port,
                    from: self.smtp_from.clone(),
                    credentials: self.smtp_user.clone().zip(self.smtp_password.clone()),
                })
            }
        };
        let unit_emails: HashMap<String, String> = match &self.unit_emails {
            None => HashMap::new(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                serde_json::from_str(&text).map_err(|e| match lang {
                    Lang::Zh => format!("{} 不是“单位名称 → 邮箱”的 JSON：{e}", path.display()),
                    Lang::En => format!(
                        "{} is no JSON map of unit name to e-mail: {e}",
                        path.display()
                    ),
                })?
            }
        };
        let map_geojson = match &self.map_geojson {
            None => None,
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
                duban_web::map_codes(&bytes).map_err(|e| match lang {
                    Lang::Zh => format!("地图文件 {} 无法使用：{e}", path.display()),
                    Lang::En => format!("map file {} cannot be used: {e}", path.display()),
                })?;
                Some(bytes.into())
            }
        };
        Ok(Config {
            map_geojson,
            map_attribution: self.map_attribution.clone(),
            security: SecurityPolicy {
                password: PasswordPolicy {
                    min_length: self.password_min_length.max(1),
                    min_classes: self.password_min_classes.min(4),
                },
                max_failed_logins: self.max_failed_logins.max(1),
                lockout_seconds: self.lockout_minutes * 60,
                idle_timeout_seconds: self.session_idle_minutes * 60,
                absolute_timeout_seconds: self.session_max_hours * 3600,
                password_max_age_days: self.password_max_age_days,
            },
            secure_cookies: !self.insecure_cookies,
            evidence_dir: self
                .evidence_dir
                .clone()
                .unwrap_or_else(|| db.data_dir.join("evidence")),
            max_file_bytes: self.max_file_mb.max(1) * 1_048_576,
            max_request_bytes: (self.max_file_mb.max(1) * 4 + 4) * 1_048_576,
            reminder_lead_days: self.reminder_lead_days,
            utc_offset_hours: self.utc_offset_hours,
            smtp,
            webhook_url: self.webhook_url.clone(),
            unit_emails,
        })
    }
}

async fn hash(password: String) -> duban_store::Result<String> {
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?
        .map_err(StoreError::Database)
}

/// On a database without accounts: an administrator `admin` with a one-time password,
/// printed once.
pub async fn bootstrap_admin(store: &dyn Store, lang: Lang) -> duban_store::Result<()> {
    if !store.users().await?.is_empty() {
        return Ok(());
    }
    let password = auth::one_time_password();
    let new = NewUser {
        username: "admin".to_owned(),
        display_name: "管理员".to_owned(),
        role: AccountRole::Admin,
        unit_id: None,
        password_hash: hash(password.clone()).await?,
    };
    store.create_user(&Actor::cli(), &new).await?;
    match lang {
        Lang::Zh => println!(
            "已创建管理员账号 admin，一次性密码（只显示这一次，首次登录须修改）：{password}"
        ),
        Lang::En => println!(
            "created the administrator 'admin'; one-time password (shown once, must be changed at first login): {password}"
        ),
    }
    Ok(())
}

/// `duban user`.
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    action: UserAction,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, clap::Subcommand)]
enum UserAction {
    /// Create an account; its one-time password is printed once.
    Add {
        /// Login name.
        username: String,
        /// admin, reviewer, reporter, leader or analyst.
        #[arg(long)]
        role: String,
        /// The unit a reporter reports for (name or alias).
        #[arg(long)]
        unit: Option<String>,
        /// Name shown.
        #[arg(long)]
        name: Option<String>,
    },
    /// Give an account a new one-time password (unlocks it, ends its sessions).
    Reset {
        /// Login name.
        username: String,
    },
    /// List accounts.
    List,
}

/// Runs `duban user …`.
pub fn user(args: &UserArgs, lang: Lang) -> ExitCode {
    run(lang, async {
        let store = open(&args.db).await?;
        match &args.action {
            UserAction::Add {
                username,
                role,
                unit,
                name,
            } => {
                let role = AccountRole::parse(role).ok_or_else(|| {
                    StoreError::Invalid(match lang {
                        Lang::Zh => format!(
                            "角色“{role}”无效：应为 admin、reviewer、reporter、leader 或 analyst"
                        ),
                        Lang::En => format!(
                            "unknown role '{role}': admin, reviewer, reporter, leader or analyst"
                        ),
                    })
                })?;
                let unit_id = match unit {
                    None => None,
                    Some(u) => Some(
                        store
                            .unit(u)
                            .await?
                            .ok_or_else(|| StoreError::NotFound(format!("单位“{u}”")))?
                            .id,
                    ),
                };
                let password = auth::one_time_password();
                let new = NewUser {
                    username: username.clone(),
                    display_name: name.clone().unwrap_or_else(|| username.clone()),
                    role,
                    unit_id,
                    password_hash: hash(password.clone()).await?,
                };
                store.create_user(&Actor::cli(), &new).await?;
                Ok(match lang {
                    Lang::Zh => format!("已创建账号 {username}，一次性密码：{password}"),
                    Lang::En => format!("created {username}; one-time password: {password}"),
                })
            }
            UserAction::Reset { username } => {
                let user = store
                    .user_by_name(username)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("账号 {username}")))?;
                let password = auth::one_time_password();
                store
                    .set_password(&Actor::cli(), user.id, &hash(password.clone()).await?, true)
                    .await?;
                Ok(match lang {
                    Lang::Zh => format!("账号 {username} 的新一次性密码：{password}"),
                    Lang::En => format!("new one-time password of {username}: {password}"),
                })
            }
            UserAction::List => {
                let users = store.users().await?;
                Ok(users
                    .iter()
                    .map(|u| {
                        format!(
                            "{}\t{}\t{}\t{}",
                            u.id,
                            u.username,
                            u.role.as_str(),
                            u.unit_name.clone().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"))
            }
        }
    })
}

/// `duban token`.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The account the token acts as.
    username: String,
    /// A name for the token.
    #[arg(long, default_value = "cli")]
    name: String,
    #[command(flatten)]
    db: DbArgs,
}

/// Creates an API token and prints it once.
pub fn token(args: &TokenArgs, lang: Lang) -> ExitCode {
    run(lang, async {
        let store = open(&args.db).await?;
        let user = store
            .user_by_name(&args.username)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("账号 {}", args.username)))?;
        let token = format!("dbn_{}", auth::random_hex(32));
        store
            .create_token(
                &Actor::cli(),
                user.id,
                &args.name,
                &auth::sha256_hex(token.as_bytes()),
            )
            .await?;
        Ok(token)
    })
}

/// `duban audit verify`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    action: AuditAction,
    #[command(flatten)]
    db: DbArgs,
}

/// `duban check`: the database's integrity and the audit chain.
pub fn check(args: &DbArgs, lang: Lang) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    let result = runtime.block_on(async {
        let store = open(args).await?;
        Ok::<_, StoreError>((store.integrity_check().await?, store.verify_audit().await?))
    });
    match result {
        Ok((problems, audit)) if problems.is_empty() && audit.broken.is_none() => {
            match lang {
                Lang::Zh => println!(
                    "数据库完整性检查通过；审计日志 {} 条，哈希链无误",
                    audit.events
                ),
                Lang::En => println!(
                    "database integrity check passed; audit log of {} events intact",
                    audit.events
                ),
            }
            ExitCode::SUCCESS
        }
        Ok((problems, audit)) => {
            let mut lines = problems;
            if let Some((id, why)) = audit.broken {
                lines.push(format!("audit {id}: {why}"));
            }
            fail(&lines.join("\n"))
        }
        Err(e) => fail(&match lang {
            Lang::Zh => e.to_string(),
            Lang::En => e.message_en(),
        }),
    }
}

#[derive(Debug, clap::Subcommand)]
enum AuditAction {
    /// Recompute the hash chain of the audit log; fails if any event was changed or removed.
    Verify,
}

/// Runs `duban audit verify`: success only for an intact chain.
pub fn audit(args: &AuditArgs, lang: Lang) -> ExitCode {
    let AuditAction::Verify = args.action;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    let result = runtime.block_on(async {
        let store = open(&args.db).await?;
        store.verify_audit().await
    });
    match result {
        Ok(check) => match check.broken {
            None => {
                match lang {
                    Lang::Zh => println!("审计日志完整：{} 条事件，哈希链无误", check.events),
                    Lang::En => println!(
                        "the audit log is intact: {} events, hash chain verified",
                        check.events
                    ),
                }
                ExitCode::SUCCESS
            }
            Some((id, why)) => fail(&match lang {
                Lang::Zh => format!("审计日志校验失败：第 {id} 条事件：{why}"),
                Lang::En => format!("the audit log failed verification at event {id}: {why}"),
            }),
        },
        Err(e) => fail(&match lang {
            Lang::Zh => e.to_string(),
            Lang::En => e.message_en(),
        }),
    }
}

/// `duban remind`.
#[derive(Debug, clap::Args)]
pub struct RemindArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    supervision: SupervisionArgs,
}

/// Runs the reminder job once (cron-friendly; `serve` also runs it on a timer).
pub fn remind(args: &RemindArgs, lang: Lang) -> ExitCode {
    let config = match args.supervision.config(&args.db, lang) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    run(lang, async {
        let store = open(&args.db).await?;
        let r = duban_web::notify::run_once(store.as_ref(), &config).await?;
        Ok(match lang {
            Lang::Zh => format!(
                "通知：新记录 {} 条，发出 {} 条，失败 {} 条",
                r.recorded, r.delivered, r.failed
            ),
            Lang::En => format!(
                "notices: {} recorded, {} delivered, {} failed",
                r.recorded, r.delivered, r.failed
            ),
        })
    })
}
