//! `duban serve`: the web server. On an empty database it loads the bundled demo — the
//! reference plan and its city's unit registry — so that `duban serve` alone shows a plan.

use std::process::ExitCode;

use duban_store::Source;
use sha2::{Digest, Sha256};

use crate::Lang;
use crate::db::DbArgs;

/// The reference plan (东政〔2024〕18号), shipped as demo data.
const DEMO_PLAN: &str = include_str!("../../../fixtures/plans/haidong-action-plan-2024.txt");
/// Its city's unit registry.
const DEMO_REGISTRY: &str = include_str!("../../../fixtures/registry/haidong.json");

/// Arguments of `duban serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "DUBAN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    /// Do not load the demo plan into an empty database.
    #[arg(long)]
    no_demo: bool,
    /// Seconds between runs of the reminder job (0: do not run it in this server).
    #[arg(long, env = "DUBAN_REMINDER_INTERVAL", default_value_t = 300)]
    reminder_interval: u64,
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    supervision: crate::supervise::SupervisionArgs,
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests under way.
pub fn serve(args: &ServeArgs, lang: Lang) -> ExitCode {
    let config = match args.supervision.config(&args.db, lang) {
        Ok(c) => c,
        Err(e) => return crate::db::fail(&e),
    };
    crate::db::run(lang, async {
        let store = crate::db::open(&args.db).await?;
        if !args.no_demo && store.plans().await?.is_empty() {
            load_demo(store.as_ref()).await?;
        }
        crate::supervise::bootstrap_admin(store.as_ref(), lang).await?;
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| {
                duban_store::StoreError::Database(format!("无法监听 {}：{e}", args.listen))
            })?;
        let shown = listener
            .local_addr()
            .map_or_else(|_| args.listen.clone(), |a| a.to_string());
        match lang {
            Lang::Zh => println!("督办已启动：请在浏览器中打开 http://{shown}/ （Ctrl-C 停止）"),
            Lang::En => {
                println!("duban is running: open http://{shown}/ in a browser (Ctrl-C stops it)")
            }
        }
        let state = duban_web::AppState::with_config(store.clone(), config);
        if args.reminder_interval > 0 {
            tokio::spawn(duban_web::notify::run_forever(
                store,
                std::sync::Arc::new(state.config().clone()),
                std::time::Duration::from_secs(args.reminder_interval),
            ));
        }
        let app =
            duban_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        // Small responses go out at once (no Nagle delay behind a delayed ACK).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| duban_store::StoreError::Database(e.to_string()))?;
        Ok(match lang {
            Lang::Zh => "督办已停止".to_owned(),
            Lang::En => "duban stopped".to_owned(),
        })
    })
}

async fn load_demo(store: &dyn duban_store::Store) -> duban_store::Result<()> {
    let registry: duban_domain::Registry = serde_json::from_str(DEMO_REGISTRY)
        .map_err(|e| duban_store::StoreError::InvalidRegistry(e.to_string()))?;
    store
        .load_registry(&duban_store::Actor::system(), &registry)
        .await?;
    let plan = duban_import::parse(DEMO_PLAN);
    let source = Source {
        name: "haidong-action-plan-2024.txt".to_owned(),
        sha256: Sha256::digest(DEMO_PLAN.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        format: "UTF-8".to_owned(),
    };
    let actor = duban_store::Actor::system();
    let done = store.import_plan(&actor, &source, &plan).await?;
    // The demo is the reference plan as published: a fresh start shows it to everyone.
    store.publish_plan(&actor, done.plan_id).await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
