//! The reminder job: for every report not in, the notice its due date calls for (reminder,
//! chase 催办, supervision notice 督办) is recorded once per channel — in the application, by
//! e-mail, to a webhook — and then delivered. Recording is keyed (kind, report, channel), and
//! delivery claims each notice first, so the job is safe to run twice or on two servers.

use duban_domain::supervision::{Date, NoticeKind, notice_due};
use duban_store::{NewNotice, NoticeRecord, Outstanding, Store, now};

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

/// Records the notices due today and delivers what is pending.
pub async fn run_once(store: &dyn Store, config: &Config) -> duban_store::Result<RunReport> {
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
                let outcome = deliver(config, &n).await;
                if outcome.is_ok() {
                    report.delivered += 1;
                } else {
                    report.failed += 1;
                }
                store.notice_delivered(n.id, outcome).await?;
            }
        }
    }
    Ok(report)
}

async fn deliver(config: &Config, n: &NoticeRecord) -> Result<(), String> {
    match n.channel.as_str() {
        "email" => email(config, n).await,
        "webhook" => webhook(config, n).await,
        other => Err(format!("unknown channel {other}")),
    }
}

async fn email(config: &Config, n: &NoticeRecord) -> Result<(), String> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let smtp = config.smtp.as_ref().ok_or("SMTP is not configured")?;
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
    let mut transport =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host).port(smtp.port);
    if let Some((user, password)) = &smtp.credentials {
        transport =
            transport.credentials(lettre::transport::smtp::authentication::Credentials::new(
                user.clone(),
                password.clone(),
            ));
    }
    transport
        .build()
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

async fn webhook(config: &Config, n: &NoticeRecord) -> Result<(), String> {
    let url = config.webhook_url.as_ref().ok_or("no webhook configured")?;
    // The shape WeCom and DingTalk bots accept for text, plus the notice's own fields.
    let body = serde_json::json!({
        "msgtype": "text",
        "text": { "content": n.body },
        "duban": { "kind": n.kind, "round_id": n.round_id, "unit": n.unit_name, "report_id": n.report_id },
    });
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
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

/// Runs the job every `every` until the process ends.
pub async fn run_forever(
    store: std::sync::Arc<dyn Store>,
    config: std::sync::Arc<Config>,
    every: std::time::Duration,
) {
    loop {
        match run_once(store.as_ref(), &config).await {
            Ok(r) if r.recorded + r.delivered + r.failed > 0 => {
                eprintln!(
                    "duban: notices: {} recorded, {} delivered, {} failed",
                    r.recorded, r.delivered, r.failed
                );
            }
            Ok(_) => {}
            Err(e) => eprintln!("duban: notices: {e}"),
        }
        tokio::time::sleep(every).await;
    }
}
