//! `prassi admin …`: the commands that set an instance up from scripts (organisations,
//! users, tokens, the demo data, the instances it follows), beside or without a running
//! server.

use std::io::Read;

use clap::Subcommand;

use crate::{
    config::Config,
    db::{users, Db},
    domain::actor::Role,
    service::{
        accounts::{self, NewOrganization},
        credentials,
    },
};

#[derive(Subcommand)]
pub enum Admin {
    /// Create an organisation (an administration that publishes practices).
    CreateOrganization {
        handle: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        ipa_code: Option<String>,
        /// eu, national, regional, supra_local, local or other_public_body.
        #[arg(long)]
        level: Option<String>,
        /// NUTS or ISTAT region code.
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        website: Option<String>,
    },
    /// Create a user; the password is read from standard input.
    CreateUser {
        username: String,
        /// admin, reviewer, manager or citizen.
        #[arg(long)]
        role: String,
        /// Handle of the organisation (required for managers and reviewers).
        #[arg(long)]
        organization: Option<String>,
        /// Read the password from standard input (the only way, so it stays out of `ps`).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Print a new API token for a user (the token is the last word of the output).
    Token { username: String },
    /// Disable an account: it cannot log in, and its tokens are revoked at once.
    DisableUser { username: String },
    /// Enable a disabled account again (it logs in anew; old tokens stay revoked).
    EnableUser { username: String },
    /// Delete an account's log-in and tokens; its actor and what it published stay.
    DeleteUser { username: String },
    /// Let in an account signed up on the web site that waits for approval (instances that
    /// send no mail).
    ApproveUser { username: String },
    /// Set an account's password, read from standard input; its browser sessions end.
    SetPassword {
        username: String,
        /// Read the password from standard input (the only way, so it stays out of `ps`).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Trust an administration instance (HOST or HOST:PORT): its managers and reviewers count
    /// as peers in the good index.
    TrustInstance { host: String },
    /// Stop trusting an administration instance.
    UntrustInstance { host: String },
    /// Follow another instance's public list of trusted instances (such as the national
    /// hub's `https://HUB/api/v1/trusted-instances`), read now and refreshed hourly.
    SubscribeTrustedList { url: String },
    /// Load a handful of realistic published practices (idempotent).
    SeedDemo,
    /// Follow another instance (its base URL or its instance actor's id): it relays what it
    /// publishes, and its outbox is walked to backfill what it published before. A running
    /// `prassi serve` on the same database delivers the Follow and walks the outbox.
    FollowInstance {
        url: String,
        /// Show the backfill's progress until it is done.
        #[arg(long)]
        wait: bool,
    },
    /// Stop following an instance (what was stored from it stays).
    UnfollowInstance { url: String },
    /// List the instances followed, with their state and backfill progress.
    InstanceFollows,
}

pub async fn run(config: Config, cmd: Admin) -> anyhow::Result<()> {
    if matches!(
        cmd,
        Admin::FollowInstance { .. } | Admin::UnfollowInstance { .. } | Admin::InstanceFollows
    ) {
        // Signed fetches need the federation set-up; like seed-demo, it only queues.
        let mut config = config;
        config.delivery.run_workers = false;
        let fed = super::prepare(config).await?;
        let ctx = fed.to_request_data();
        let result = instance_follows(&ctx, cmd).await;
        ctx.db.close().await;
        return result;
    }
    if let Admin::SeedDemo = cmd {
        // A one-off command beside a running server: it queues, the server delivers, so it
        // runs no workers and holds no node name.
        let mut config = config;
        config.delivery.run_workers = false;
        let fed = super::prepare(config).await?;
        let ctx = fed.to_request_data();
        let urls = crate::service::demo::seed(&ctx)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("Published {} demo practices", urls.len());
        for u in urls {
            println!("  {u}");
        }
        ctx.db.close().await;
        return Ok(());
    }
    let db = Db::connect(&config.database_url).await?;
    accounts::ensure_instance_actor(&db, &config)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let result = run_admin(&db, &config, cmd).await;
    db.close().await;
    result
}

async fn run_admin(db: &Db, config: &Config, cmd: Admin) -> anyhow::Result<()> {
    let show = |e: crate::error::AppError| match e {
        crate::error::AppError::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        other => anyhow::anyhow!("{other}"),
    };
    match cmd {
        Admin::CreateOrganization {
            handle,
            name,
            ipa_code,
            level,
            region,
            description,
            website,
        } => {
            let org = accounts::create_organization(
                db,
                config,
                NewOrganization {
                    handle,
                    name,
                    ipa_code,
                    level,
                    region,
                    description,
                    website,
                    icon_url: None,
                },
            )
            .await
            .map_err(show)?;
            println!("Created organisation {} ({})", org.username, org.ap_id);
            println!("Handle: @{}@{}", org.username, config.domain());
        }
        Admin::CreateUser {
            username,
            role,
            organization,
            password_stdin: _,
            display_name,
        } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']);
            // A role we cannot read is reported with whatever else is wrong, not alone.
            let role: Role = match role.parse::<Role>() {
                Ok(r) => r,
                Err(e) => {
                    let (mut errors, _, _) = accounts::check_new_user(
                        db,
                        &username,
                        None,
                        organization.as_deref(),
                        password,
                    )
                    .await
                    .map_err(show)?;
                    errors.insert("role".into(), e);
                    return Err(show(crate::error::AppError::Invalid(errors)));
                }
            };
            let user = accounts::create_user(
                db,
                config,
                &username,
                role,
                organization.as_deref(),
                password,
                display_name.as_deref(),
            )
            .await
            .map_err(show)?;
            println!(
                "Created {} {} (@{}@{})",
                user.role,
                user.username,
                user.username,
                config.domain()
            );
        }
        Admin::SeedDemo
        | Admin::FollowInstance { .. }
        | Admin::UnfollowInstance { .. }
        | Admin::InstanceFollows => unreachable!("handled above"),
        Admin::Token { username } => {
            let user = users::by_username(db, &username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no user `{username}`"))?;
            if user.disabled_at.is_some() {
                anyhow::bail!(
                    "`{username}` is disabled; enable it first (prassi admin enable-user)"
                );
            }
            let token = credentials::issue_token(db, config, &user)
                .await
                .map_err(show)?;
            println!("API token for {}: {token}", user.username);
        }
        Admin::DisableUser { username } => {
            let revoked = accounts::set_disabled(db, &username, true)
                .await
                .map_err(show)?;
            println!("Disabled {username}; {revoked} token(s) revoked");
        }
        Admin::EnableUser { username } => {
            accounts::set_disabled(db, &username, false)
                .await
                .map_err(show)?;
            println!("Enabled {username}");
        }
        Admin::TrustInstance { host } => {
            let added = crate::service::trust::trust(db, config, &host, "admin")
                .await
                .map_err(show)?;
            let list = crate::service::trust::list(db, config)
                .await
                .map_err(show)?;
            let how = if added { "Trusted" } else { "Already trusted:" };
            println!("{how} {host}; trusted now: {}", list.join(", "));
        }
        Admin::SubscribeTrustedList { url } => {
            let http = super::http_client(config)?;
            let hosts = crate::service::trust::subscribe(db, config, &http, &url)
                .await
                .map_err(show)?;
            println!(
                "Subscribed to {url}: {} instance(s) trusted from it, refreshed hourly",
                hosts.len()
            );
        }
        Admin::UntrustInstance { host } => {
            crate::service::trust::untrust(db, config, &host)
                .await
                .map_err(show)?;
            println!("No longer trusted: {host}");
        }
        Admin::DeleteUser { username } => {
            let revoked = accounts::delete_user(db, &username).await.map_err(show)?;
            println!("Deleted the account {username}; {revoked} token(s) revoked");
        }
        Admin::ApproveUser { username } => {
            crate::service::sessions::approve(db, &username)
                .await
                .map_err(show)?;
            println!("Approved {username}: the account can log in");
        }
        Admin::SetPassword {
            username,
            password_stdin: _,
        } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\n', '\r']);
            let user = users::by_username(db, &username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no user `{username}`"))?;
            crate::service::sessions::set_password(db, &user, password)
                .await
                .map_err(|e| match e {
                    crate::error::AppError::Invalid(_) => anyhow::anyhow!(
                        "the password must have at least 10 characters and differ from the username"
                    ),
                    e => show(e),
                })?;
            println!("New password set for {username}; their browser sessions ended");
        }
    }
    Ok(())
}

fn show_follow(f: &crate::service::instance_follows::InstanceFollowView) -> String {
    let b = &f.backfill;
    format!(
        "{} {} ({}): {} pages, {}{} practices, {} errors, {} waiting{}{}",
        f.id,
        f.target,
        f.state,
        b.pages,
        b.items,
        b.total.map(|t| format!("/{t}")).unwrap_or_default(),
        b.errors,
        b.failed,
        if b.done { ", done" } else { "" },
        b.last_error
            .as_deref()
            .map(|e| format!(", last error: {e}"))
            .unwrap_or_default()
    )
}

async fn instance_follows(ctx: &crate::state::Ctx, cmd: Admin) -> anyhow::Result<()> {
    use crate::service::instance_follows as follows;
    let fail = |e: crate::error::AppError| match e {
        crate::error::AppError::Invalid(fields) => {
            anyhow::anyhow!("{}", fields.into_values().collect::<Vec<_>>().join("; "))
        }
        other => anyhow::anyhow!("{other}"),
    };
    match cmd {
        Admin::FollowInstance { url, wait } => {
            let (f, new) = follows::follow(ctx, &url).await.map_err(fail)?;
            let how = if new {
                "Following"
            } else {
                "Already following"
            };
            println!("{how} {} (id {})", f.target, f.id);
            if wait {
                wait_for_backfill(ctx, f.id).await?;
            } else {
                println!("The running server delivers the Follow and walks the outbox; watch it with `prassi admin instance-follows`");
            }
        }
        Admin::UnfollowInstance { url } => {
            let f = follows::find(ctx, &url).await.map_err(fail)?;
            follows::unfollow(ctx, f.id).await.map_err(fail)?;
            println!("No longer following {}", f.target);
        }
        Admin::InstanceFollows => {
            let all = follows::list(ctx).await.map_err(fail)?;
            if all.is_empty() {
                println!("No instance followed");
            }
            for f in all {
                println!("{}", show_follow(&f));
            }
        }
        _ => unreachable!("only instance follows here"),
    }
    Ok(())
}

/// Shows the backfill's progress, read from the database (the running server walks), until
/// it is done: one updating line on a terminal, a line per change otherwise.
async fn wait_for_backfill(ctx: &crate::state::Ctx, id: i64) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};
    let tty = std::io::stdout().is_terminal();
    let mut last = String::new();
    loop {
        let f = crate::service::instance_follows::get(ctx, id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if f.state == "rejected" {
            if tty && !last.is_empty() {
                println!();
            }
            anyhow::bail!(
                "{} rejected the follow: nothing will be walked. Ask its admin, then `prassi admin unfollow-instance {}` and follow again",
                f.target,
                f.target
            );
        }
        let b = &f.backfill;
        let line = if tty {
            const WIDTH: usize = 30;
            let filled = match (b.done, b.total) {
                (true, _) => WIDTH,
                (false, Some(t)) if t > 0 => {
                    ((b.items.max(0) as usize * WIDTH) / t as usize).min(WIDTH)
                }
                _ => 0,
            };
            let of = b.total.map(|t| format!("/{t}")).unwrap_or_default();
            format!(
                "[{}{}] {}{of} practices, {} pages, {} errors ({})",
                "#".repeat(filled),
                "-".repeat(WIDTH - filled),
                b.items,
                b.pages,
                b.errors,
                f.state
            )
        } else {
            show_follow(&f)
        };
        if line != last {
            if tty {
                print!("\r{line}");
                let _ = std::io::stdout().flush();
            } else {
                println!("{line}");
            }
            last = line;
        }
        if b.done {
            if tty {
                println!();
            }
            if b.failed > 0 {
                println!(
                    "{} practice(s) could not be stored yet and are retried: GET /api/v1/admin/instance-follows/{id}/failures",
                    b.failed
                );
            }
            println!("Backfill done: {} practices", b.items);
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}
