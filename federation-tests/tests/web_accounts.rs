//! Taking part in the browser, over HTTP with a cookie-keeping client: sign-up confirmed by a
//! mail read from a local SMTP sink, log-in, reading, endorsing, commenting, replying,
//! editing and deleting; CSRF refusals that change nothing; log-out; password reset by mail;
//! sign-up approved by an admin when the instance sends no mail; the locked endorsement's
//! reason at the default reading floor.

use federation_tests::{
    example,
    web_client::{instance_with_mail, Browser},
    Options, TestInstance,
};
use prassi::{
    db::{comments, participation, users},
    domain::actor::Role,
};
use reqwest::Method;

/// Every `part` the panel offers to mark as read.
fn parts_offered(body: &str) -> Vec<String> {
    body.split("name=\"part\" value=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&#x3a;", ":").replace("&#58;", ":"))
        .collect()
}

/// A practice published on `inst`; its id.
async fn practice(inst: &TestInstance) -> i64 {
    let manager = inst.manager_of("comune-prova").await;
    manager.publish(example(0)).await["id"]
        .as_i64()
        .expect("id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_signs_up_by_mail_reads_endorses_comments_and_logs_out() {
    let (sink, inst) = instance_with_mail().await;
    let id = practice(&inst).await;
    let db = inst.store();
    let b = Browser::new(&inst.base);

    // A sign-up with every field wrong: each named, what was typed kept (not the password),
    // nothing stored.
    let form = b.get("/signup").await;
    assert_eq!(form.status, 200);
    let csrf = form.field("csrf").expect("token");
    let users_before = users::count(&db).await.expect("count");
    let bad = b
        .post(
            "/signup",
            &[
                ("username", "root"),
                ("email", "not-an-address"),
                ("password", "short"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    for text in [
        "Questo nome utente è già usato",
        "Scrivi un indirizzo e-mail valido",
        "almeno 10 caratteri",
        "devi acconsentire",
        "value=\"not-an-address\"",
    ] {
        assert!(bad.body.contains(text), "missing {text:?}");
    }
    assert!(
        !bad.body.contains("value=\"short\""),
        "the password came back"
    );
    assert_eq!(users::count(&db).await.expect("count"), users_before);

    // A good one: a mail with the confirmation link; until it is opened, no log-in.
    let ok = b
        .post(
            "/signup",
            &[
                ("username", "giulia"),
                ("email", "Giulia@Example.org"),
                ("password", "una-password-lunga"),
                ("consent", "yes"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body.contains("giulia@example.org") || ok.body.contains("Giulia@Example.org"));
    let pending = b.log_in("giulia", "una-password-lunga", "/").await;
    assert_eq!(pending.status, 403, "{}", pending.body);
    assert!(pending.body.contains("conferma"), "{}", pending.body);
    let link = sink
        .link_to("giulia@example.org", "/signup/confirm", 0)
        .await;
    let confirmed = b.get(&link).await;
    assert_eq!(confirmed.status, 303);
    assert_eq!(confirmed.location(), "/login?done=confirmed");
    // The link works once.
    assert_eq!(b.get(&link).await.status, 410);

    // Log-in, back to where the person was; the cookie's flags.
    let next = format!("/participate/{id}");
    let logged = b.log_in("giulia", "una-password-lunga", &next).await;
    assert_eq!(logged.status, 303, "{}", logged.body);
    assert_eq!(logged.location(), next);
    let cookie = logged
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("prassi_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let session = b.cookie("prassi_session").expect("kept");
    // Another site's `next` sends home.
    let other = Browser::new(&inst.base);
    let away = other
        .log_in("giulia", "una-password-lunga", "//evil.example/x")
        .await;
    assert_eq!(away.location(), "/");

    // The panel: the name and "Esci", what is left, the endorsement locked with its reason.
    let panel = b.get(&next).await;
    assert_eq!(panel.status, 200);
    assert!(panel.body.contains("giulia") && panel.body.contains("Esci"));
    assert!(
        panel.body.contains("Potrai esprimere il tuo giudizio"),
        "{}",
        panel.body
    );
    assert!(
        !panel.body.contains("/endorse\""),
        "the endorse form shows while locked"
    );
    let csrf = panel.field("csrf").expect("the viewer's token");
    let parts = parts_offered(&panel.body);
    assert!(parts.len() >= 3, "{parts:?}");
    for part in &parts {
        let r = b
            .post(
                &format!("/participate/{id}/read"),
                &[("part", part), ("csrf", &csrf), ("next", &next)],
            )
            .await;
        assert_eq!(r.status, 303, "{part}: {}", r.body);
    }
    let panel = b.get(&next).await;
    assert!(
        panel.body.contains("Hai letto tutta la pratica"),
        "{}",
        panel.body
    );
    assert!(panel.body.contains(&format!("/participate/{id}/endorse")));

    // A comment, then the endorsement saying why.
    let c = b
        .post(
            &format!("/participate/{id}/comment"),
            &[
                ("content", "Funziona anche da noi."),
                ("stance", "positive"),
                ("csrf", &csrf),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(c.status, 303, "{}", c.body);
    let comment_id: i64 = c
        .location()
        .rsplit("#comment-")
        .next()
        .and_then(|n| n.parse().ok())
        .expect("the comment's anchor");
    let e = b
        .post(
            &format!("/participate/{id}/endorse"),
            &[
                ("value", "positive"),
                ("comment_id", &comment_id.to_string()),
                ("csrf", &csrf),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(e.status, 303, "{}", e.body);
    let giulia = users::by_username(&db, "giulia")
        .await
        .expect("db")
        .expect("user");
    let endorsement = participation::endorsement_of(&db, id, giulia.actor_id)
        .await
        .expect("db")
        .expect("endorsed");
    assert!(endorsement.positive && endorsement.verified);
    assert!(endorsement.comment_ref.is_some());
    assert!(b
        .get(&next)
        .await
        .body
        .contains("Hai sostenuto questa pratica"));

    // Reply, edit, delete (after the confirmation page).
    let row = comments::by_id(&db, comment_id)
        .await
        .expect("db")
        .expect("comment");
    let key = row.ap_id.rsplit('/').next().expect("key").to_string();
    let reply_form = b.get(&format!("/comments/{key}/reply")).await;
    assert_eq!(reply_form.status, 200, "{}", reply_form.body);
    assert!(reply_form.body.contains("Funziona anche da noi."));
    let reply = b
        .post(
            &format!("/comments/{key}/reply"),
            &[
                ("content", "Anche a Lecce."),
                ("stance", ""),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let edit = b
        .post(
            &format!("/comments/{key}/edit"),
            &[
                ("content", "Funziona anche da noi, con qualche ritocco."),
                ("stance", "neutral"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(edit.status, 303, "{}", edit.body);
    let row = comments::by_id(&db, comment_id)
        .await
        .expect("db")
        .expect("comment");
    assert!(row.content.contains("qualche ritocco"), "{}", row.content);
    assert_eq!(row.stance.as_deref(), Some("neutral"));
    let confirm = b.get(&format!("/comments/{key}/delete")).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Vuoi davvero eliminare"));

    // CSRF: no token, a wrong one, another session's: 403 and nothing changes.
    let (_, _) = inst.user("carla", Role::Citizen, None).await;
    let carla = Browser::new(&inst.base);
    assert_eq!(
        carla.log_in("carla", "a-long-password", "/").await.status,
        303
    );
    let carla_csrf = carla.get(&next).await.field("csrf").expect("token");
    let comments_before = inst.count("comments").await;
    for token in ["", "0123456789abcdef", carla_csrf.as_str()] {
        let r = b
            .post(
                &format!("/participate/{id}/comment"),
                &[
                    ("content", "Non dovrebbe esserci."),
                    ("csrf", token),
                    ("next", &next),
                ],
            )
            .await;
        assert_eq!(r.status, 403, "token {token:?}");
        let d = b
            .post(&format!("/comments/{key}/delete"), &[("csrf", token)])
            .await;
        assert_eq!(d.status, 403, "token {token:?}");
    }
    assert_eq!(inst.count("comments").await, comments_before);
    let row = comments::by_id(&db, comment_id)
        .await
        .expect("db")
        .expect("comment");
    assert!(row.deleted_at.is_none());
    // An anonymous form without its cookie's token is refused too.
    let bare = Browser::new(&inst.base);
    let r = bare
        .post(
            "/login",
            &[
                ("username", "giulia"),
                ("password", "una-password-lunga"),
                ("csrf", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);

    let deleted = b
        .post(&format!("/comments/{key}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    let row = comments::by_id(&db, comment_id)
        .await
        .expect("db")
        .expect("comment");
    assert!(row.deleted_at.is_some());

    // Log-out ends the session: the old cookie no longer signs in or posts.
    let out = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert!(b.cookie("prassi_session").is_none());
    b.set_cookie("prassi_session", &session);
    let after = b.get(&next).await;
    assert!(!after.body.contains("Esci") && after.body.contains("Accedi"));
    let r = b
        .post(
            &format!("/participate/{id}/comment"),
            &[
                ("content", "Dopo l'uscita."),
                ("csrf", &csrf),
                ("next", &next),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), "/login");
    assert_eq!(inst.count("comments").await, comments_before);

    // Password reset by mail: the link works once, every session ends.
    let still = Browser::new(&inst.base);
    assert_eq!(
        still
            .log_in("giulia", "una-password-lunga", "/")
            .await
            .status,
        303
    );
    let seen = sink.messages().len();
    let forgot = b.get("/password/forgot").await;
    let csrf = forgot.field("csrf").expect("token");
    let sent = b
        .post(
            "/password/forgot",
            &[("email", "giulia@example.org"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let link = sink
        .link_to("giulia@example.org", "/password/reset", seen)
        .await;
    let reset = b.get(&link).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    let token = reset.field("token").expect("the link's token");
    let csrf = reset.field("csrf").expect("token");
    let short = b
        .post(
            "/password/reset",
            &[("token", &token), ("password", "corta"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(short.status, 422);
    let done = b
        .post(
            "/password/reset",
            &[
                ("token", &token),
                ("password", "un-altra-password"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(b.get(&link).await.status, 410, "the link works once");
    assert!(
        still.get("/").await.body.contains("Accedi"),
        "the other session ended"
    );
    assert_eq!(
        b.log_in("giulia", "una-password-lunga", "/").await.status,
        401
    );
    assert_eq!(
        b.log_in("giulia", "un-altra-password", "/").await.status,
        303
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_mail_a_sign_up_waits_for_the_admin_then_logs_in() {
    let inst = TestInstance::start().await;
    let b = Browser::new(&inst.base);
    let form = b.get("/signup").await;
    assert!(form.body.contains("Questo sito non invia e-mail"));
    let csrf = form.field("csrf").expect("token");
    let ok = b
        .post(
            "/signup",
            &[
                ("username", "marco"),
                ("email", "marco@example.org"),
                ("password", "una-password-lunga"),
                ("consent", "yes"),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(
        ok.body.contains("approvazione di un amministratore"),
        "{}",
        ok.body
    );
    let waiting = b.log_in("marco", "una-password-lunga", "/").await;
    assert_eq!(waiting.status, 403);
    assert!(waiting.body.contains("un amministratore deve approvarlo"));
    assert!(b
        .get("/password/forgot")
        .await
        .body
        .contains("chiedi a un amministratore"));

    inst.admin
        .call(Method::POST, "/api/v1/admin/users/marco/approve", None)
        .await
        .expect("approved");
    let e = inst
        .admin
        .call(Method::POST, "/api/v1/admin/users/marco/approve", None)
        .await
        .expect_err("not waiting any more");
    assert_eq!(e.status, 409);
    let logged = b.log_in("marco", "una-password-lunga", "/").await;
    assert_eq!(logged.status, 303, "{}", logged.body);
    assert!(b.get("/").await.body.contains("Esci"));
}

fn default_floor(c: &mut prassi::config::Config) {
    c.reading_min_fraction = 0.25;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_default_floor_a_reading_too_fast_keeps_the_endorsement_locked_and_says_why() {
    let inst = TestInstance::start_with(Options {
        tweak: default_floor,
        ..Default::default()
    })
    .await;
    let id = practice(&inst).await;
    inst.user("dora", Role::Citizen, None).await;
    let b = Browser::new(&inst.base);
    let next = format!("/participate/{id}");
    assert_eq!(b.log_in("dora", "a-long-password", &next).await.status, 303);
    let panel = b.get(&next).await;
    let csrf = panel.field("csrf").expect("token");
    for part in parts_offered(&panel.body) {
        let r = b
            .post(
                &format!("/participate/{id}/read"),
                &[("part", &part), ("csrf", &csrf), ("next", &next)],
            )
            .await;
        assert_eq!(r.status, 303);
    }
    let panel = b.get(&next).await;
    assert!(
        panel.body.contains("la lettura è stata troppo rapida"),
        "{}",
        panel.body
    );
    assert!(!panel.body.contains(&format!("/participate/{id}/endorse")));
    // Marking again stays possible (the floor counts from the first part to the last).
    assert!(!parts_offered(&panel.body).is_empty());
    let r = b
        .post(
            &format!("/participate/{id}/endorse"),
            &[("value", "positive"), ("csrf", &csrf), ("next", &next)],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    let dora = users::by_username(&inst.store(), "dora")
        .await
        .expect("db")
        .expect("user");
    assert!(
        participation::endorsement_of(&inst.store(), id, dora.actor_id)
            .await
            .expect("db")
            .is_none()
    );
}
