//! The reminder job: for every report not in, the notice its due date calls for (reminder,
//! chase 催办, supervision notice 督办) is recorded once per channel — in the application, by
//! e-mail, to a webhook — and then delivered. Recording is keyed (kind, report, channel), and
//! delivery claims each notice first, so the job is safe to run twice or on two servers.

use duban_domain::supervision::{Date, NoticeKind, notice_due};
use duban_store::{NewNotice, NoticeRecord, Outstanding, Store, now};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::Config;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Notices recorded now.
    pub recorded: usize,
    /// Notices delivered now.
    pub delivered: usize,
    /// Deliveries that failed (retried on a later run).
    pub failed: usize,
}

fn message(kind: NoticeKind, o: &Outstanding) -> String {
    match kind {
        NoticeKind::Reminder => format!(
            "【提醒】{}：“{}”的进展报告请于 {} 前报送。",
            o.unit_name, o.node_title, o.due_on
        ),
        NoticeKind::Chase => format!(
            "【催办】{}：“{}”的进展报告今天（{}）到期，请尽快报送。",
            o.unit_name, o.node_title, o.due_on
        ),
        NoticeKind::Supervision => format!(
            "【督办】{}：“{}”的进展报告已于 {} 逾期未报，请说明情况并立即报送。",
            o.unit_name, o.node_title, o.due_on
        ),
    }
}

/// The channels configured: the application always, e-mail and webhook when set.
fn channels(config: &Config, o: &Outstanding) -> Vec<&'static str> {
    let mut c = vec!["app"];
    if config.smtp.is_some() && config.unit_emails.contains_key(&o.unit_name) {
        c.push("email");
    }
    if config.webhook_url.is_some() {
        c.push("webhook");
    }
    c
}

/// The outbound clients, built once (when a job starts) and reused for every notice: the SMTP
/// transport when e-mail is configured and the HTTP client for the webhook.
#[derive(Clone)]
pub struct Outbound {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for Outbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbound")
            .field("smtp", &self.smtp.is_some())
            .field("http", &self.http.is_some())
            .finish()
    }
}

impl Outbound {
    /// The clients a configuration needs (none for what it leaves unset).
    pub fn new(config: &Config) -> Self {
        let smtp = config.smtp.as_ref().map(|smtp| {
            let mut transport =
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host).port(smtp.port);
            if let Some((user, password)) = &smtp.credentials {
                transport = transport.credentials(Credentials::new(user.clone(), password.clone()));
            }
            transport.build()
        });
        let http = config.webhook_url.as_ref().and_then(|_| {
            reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .inspect_err(|e| tracing::error!(error = %e, "webhook client cannot be built"))
                .ok()
        });
        Self { smtp, http }
    }
}

/// Records the notices due today and delivers what is pending (the clients built for this run).
pub async fn run_once(store: &dyn Store, config: &Config) -> duban_store::Result<RunReport> {
    run_with(store, config, &Outbound::new(config)).await
}

/// One run of the job with clients built beforehand.
pub async fn run_with(
    store: &dyn Store,
    config: &Config,
    outbound: &Outbound,
) -> duban_store::Result<RunReport> {
    let today = Date::from_unix(now(), config.utc_offset_hours);
    let mut report = RunReport::default();
    for o in store.outstanding_reports().await? {
        let Some(kind) = notice_due(o.due_on, today, config.reminder_lead_days) else {
            continue;
        };
        for channel in channels(config, &o) {
            let notice = NewNotice {
                kind: kind.as_str().to_owned(),
                round_id: o.round_id,
                unit_id: o.unit_id,
                report_id: Some(o.report_id),
                channel: channel.to_owned(),
                body: message(kind, &o),
                dedupe_key: format!("{}/{}/{channel}", kind.as_str(), o.report_id),
            };
            if store.enqueue_notice(&notice).await? {
                report.recorded += 1;
            }
        }
    }
    for channel in ["email", "webhook"] {
        loop {
            let batch = store.claim_notices(channel, 120, 50).await?;
            if batch.is_empty() {
                break;
            }
            for n in batch {
                let outcome = deliver(config, outbound, &n).await;
                match &outcome {
                    Ok(()) => report.delivered += 1,
                    Err(e) => {
                        tracing::warn!(
                            notice = n.id, channel = %n.channel, unit = %n.unit_name, error = %e,
                            "notice not delivered; retried on a later run"
                        );
                        report.failed += 1;
                    }
                }
                store.notice_delivered(n.id, outcome).await?;
            }
        }
    }
    Ok(report)
}

async fn deliver(config: &Config, outbound: &Outbound, n: &NoticeRecord) -> Result<(), String> {
    match n.channel.as_str() {
        "email" => email(config, outbound, n).await,
        "webhook" => webhook(config, outbound, n).await,
        other => Err(format!("unknown channel {other}")),
    }
}

async fn email(config: &Config, outbound: &Outbound, n: &NoticeRecord) -> Result<(), String> {
    let smtp = config.smtp.as_ref().ok_or("SMTP is not configured")?;
    let transport = outbound.smtp.as_ref().ok_or("SMTP is not configured")?;
    let to = config
        .unit_emails
        .get(&n.unit_name)
        .ok_or_else(|| format!("no e-mail address for {}", n.unit_name))?;
    let subject = n.body.split('：').next().unwrap_or("督办通知").to_owned();
    let message = Message::builder()
        .from(
            smtp.from
                .parse()
                .map_err(|e| format!("from address: {e}"))?,
        )
        .to(to.parse().map_err(|e| format!("to address {to}: {e}"))?)
        .subject(subject)
        .body(n.body.clone())
        .map_err(|e| e.to_string())?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

async fn webhook(config: &Config, outbound: &Outbound, n: &NoticeRecord) -> Result<(), String> {
    let url = config.webhook_url.as_ref().ok_or("no webhook configured")?;
    let client = outbound.http.as_ref().ok_or("no webhook client")?;
    // The shape WeCom and DingTalk bots accept for text, plus the notice's own fields.
    let body = serde_json::json!({
        "msgtype": "text",
        "text": { "content": n.body },
        "duban": { "kind": n.kind, "round_id": n.round_id, "unit": n.unit_name, "report_id": n.report_id },
    });
    let response = client
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("webhook answered {}", response.status()))
    }
}

/// Runs the job every `every` until the process ends; the clients are built once, here.
pub async fn run_forever(
    store: std::sync::Arc<dyn Store>,
    config: std::sync::Arc<Config>,
    every: std::time::Duration,
) {
    let outbound = Outbound::new(&config);
    loop {
        match run_with(store.as_ref(), &config, &outbound).await {
            Ok(r) if r.recorded + r.delivered + r.failed > 0 => {
                tracing::info!(
                    recorded = r.recorded,
                    delivered = r.delivered,
                    failed = r.failed,
                    "notices"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "notice job failed"),
        }
        tokio::time::sleep(every).await;
    }
}
