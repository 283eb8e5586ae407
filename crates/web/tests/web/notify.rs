//! Reminders, chases and supervision notices: recorded once per report and channel however
//! often the job runs (also two at once), delivered in the application, by e-mail to a local
//! SMTP sink, and as JSON to a local webhook.

use std::sync::{Arc, Mutex};

use crate::common::*;
use duban_domain::supervision::Date;
use duban_store::{Actor, NewRound, RoundScope, now};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A minimal SMTP server that accepts everything and keeps each message's recipients and data.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<(Vec<String>, String)>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mail = Arc::new(Mutex::new(Vec::new()));
    let kept = mail.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut rcpt = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().to_owned());
                        b"250 OK\r\n"
                    } else if upper.starts_with("DATA") {
                        let _ = write.write_all(b"354 go ahead\r\n").await;
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        kept.lock().unwrap().push((std::mem::take(&mut rcpt), data));
                        b"250 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, mail)
}

/// A webhook that keeps the JSON it is sent.
async fn webhook_sink() -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let kept = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |axum::Json(v): axum::Json<serde_json::Value>| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(v);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn overdue_reports_are_chased_once_on_every_channel() {
    let (port, mail) = smtp_sink().await;
    let (url, hooks) = webhook_sink().await;
    let w = World::with("notify", |c| {
        c.smtp = Some(duban_web::SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "duban@haidong.gov.cn".into(),
            credentials: None,
        });
        c.webhook_url = Some(url.clone());
        c.unit_emails
            .insert(LEAD.into(), "jtj@haidong.gov.cn".into());
    })
    .await;
    // The big round is due in 2099: nothing yet. A round for the lead unit was due yesterday.
    let first = duban_web::notify::run_once(w.store.as_ref(), &w.config)
        .await
        .unwrap();
    assert_eq!(first, duban_web::notify::RunReport::default());
    let yesterday = Date::from_unix(now(), 8).plus_days(-1);
    w.store
        .open_round(
            &Actor::cli(),
            &NewRound {
                plan_id: w.plan_id,
                title: "专项督办".into(),
                cadence: duban_store::Cadence::AdHoc,
                period_start: yesterday.plus_days(-30),
                period_end: yesterday,
                due_on: yesterday,
                scope: RoundScope::Unit(LEAD.into()),
            },
        )
        .await
        .unwrap();
    let overdue = w
        .store
        .outstanding_reports()
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.due_on == yesterday)
        .count();
    assert!(overdue > 3, "{overdue}");
    // Two servers run the job at once (two tasks, on two worker threads), then it runs again:
    // each notice once.
    let job = || {
        let (store, config) = (w.store.clone(), w.config.clone());
        tokio::spawn(async move { duban_web::notify::run_once(store.as_ref(), &config).await })
    };
    let (a, b) = tokio::join!(job(), job());
    let (a, b) = (a.unwrap().unwrap(), b.unwrap().unwrap());
    let again = duban_web::notify::run_once(w.store.as_ref(), &w.config)
        .await
        .unwrap();
    assert_eq!(
        a.recorded + b.recorded,
        overdue * 3,
        "app, e-mail and webhook per report"
    );
    assert_eq!(a.delivered + b.delivered, overdue * 2);
    assert_eq!((again.recorded, again.delivered), (0, 0));
    let mail = mail.lock().unwrap().clone();
    assert_eq!(mail.len(), overdue);
    assert!(
        mail.iter()
            .all(|(to, _)| to == &vec!["<jtj@haidong.gov.cn>".to_owned()])
    );
    let hooks = hooks.lock().unwrap().clone();
    assert_eq!(hooks.len(), overdue);
    assert!(hooks.iter().all(|h| {
        h["msgtype"] == "text"
            && h["text"]["content"]
                .as_str()
                .unwrap()
                .starts_with("【督办】")
    }));
    // The unit sees them in the application.
    let lead = w.session("lead").await;
    let page = w.get("/notices", Some(&lead)).await;
    assert_eq!(page.body.matches("【督办】").count(), overdue);
    let co = w.session("co").await;
    assert!(!w.get("/notices", Some(&co)).await.body.contains("【督办】"));
}
