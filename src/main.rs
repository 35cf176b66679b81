//! The `prassi` command: `serve` runs an instance, `admin …` sets it up from scripts.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use prassi::{app, config::Config, db::users};

#[derive(Parser)]
#[command(
    name = "prassi",
    version,
    about = "Federated hub of public-sector good practices"
)]
struct Cli {
    /// Configuration file (default: ./prassi.toml when present; also PRASSI_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the instance (HTTP server and federation workers).
    Serve,
    /// Set up organisations, users and tokens.
    #[command(subcommand)]
    Admin(app::admin::Admin),
}

fn init_logging() {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_env("PRASSI_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,activitypub_federation=warn"));
    if std::env::var("PRASSI_LOG_FORMAT").as_deref() == Ok("json") {
        fmt()
            .json()
            .with_env_filter(filter)
            .with_current_span(true)
            .init();
    } else {
        // Colours only for a person at a terminal, not in files and journals.
        use std::io::IsTerminal;
        fmt()
            .with_env_filter(filter)
            .with_target(false)
            .with_ansi(std::io::stdout().is_terminal())
            .init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let config = match Config::load(cli.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Serve => serve(config).await,
        Command::Admin(a) => app::admin::run(config, a).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    for w in config.warnings() {
        tracing::warn!("{w}");
    }
    // The connection cap, not the kernel's default of 1024 open files, decides who is served.
    if let Some(files) = app::server::raise_fd_limit() {
        let cap = config.server.max_connections as u64;
        if files < cap + 256 {
            tracing::warn!(
                open_files = files,
                max_connections = cap,
                "the limit of open files is below PRASSI_MAX_CONNECTIONS plus room for the database and peers; lower PRASSI_MAX_CONNECTIONS or raise the hard limit (ulimit -Hn)"
            );
        }
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {} (PRASSI_BIND): {e}", config.bind))?;
    let fed = app::prepare(config.clone()).await?;
    let db = fed.to_request_data().db.clone();
    if users::count(&db).await? == 0 {
        println!(
            "Prassi is running at {} but has no accounts yet. Create the first admin with:\n\
             \n  echo 'a-long-password' | prassi admin create-user admin-name --role admin --password-stdin\n",
            config.public_url
        );
    }
    app::serve_prepared(fed, listener, shutdown_signal()).await
}

async fn shutdown_signal() {
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
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
