//! The live subscription without any socket: ordering when publishes are missed or reordered.

use crate::common::*;
use app::content::settings::SiteSettings;
use app::core::merge::RecordEdit;
use app::core::principal::Principal;
use app::core::protocol::ServerMsg;
use app::core::roles::Role;
use app::engine::hub::Audience;
use app::engine::subscription::Subscription;
use app::engine::{save, Engine, Hub};
use serde_json::json;

fn seqs(frames: &[axum::extract::ws::Utf8Bytes]) -> Vec<i64> {
    frames
        .iter()
        .map(|f| match serde_json::from_str::<ServerMsg>(f).unwrap() {
            ServerMsg::Change { event } => event.seq,
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

async fn set_tagline(engine: &Engine, to: &str) -> i64 {
    let who = Principal::system(1, "test");
    let from = save::snapshot::<SiteSettings>(engine, &who, "main")
        .await
        .unwrap()
        .record
        .tagline;
    let edit = RecordEdit::one_field("main", 0, "tagline", json!(from), json!(to));
    match save::save::<SiteSettings>(engine, &who, &edit)
        .await
        .unwrap()
    {
        app::core::wire::SaveOutcome::Saved { seq, .. } => seq,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn missed_and_reordered_publishes_are_filled_from_the_log() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = spawn_app(backend).await;
        let engine = app.engine.clone();
        let (_, mut sub) =
            Subscription::start(&engine, 1, Audience::Role(Role::Admin), Some(1), None)
                .await
                .unwrap();

        // Another writer whose publishes this subscriber's hub never sees (another node, or
        // a publish lost between commit and send).
        let other = engine.on_same_database(Hub::new(engine.registry.clone()), None);
        let a = set_tagline(&other, "a").await;
        let b = set_tagline(&other, "b").await;
        assert_eq!((a, b), (2, 3));
        // Only the later event reaches this hub: the subscriber must not skip `a`.
        let event_b = app::engine::store::changes_between(
            &mut engine.db.read.acquire().await.unwrap(),
            1,
            2,
            3,
            10,
        )
        .await
        .unwrap()
        .remove(0);
        engine.hub.publish(1, &event_b);
        let mut got = seqs(&sub.next().await.unwrap());
        if got.len() < 2 {
            got.extend(seqs(&sub.next().await.unwrap()));
        }
        assert_eq!(got, [2, 3], "{backend:?}");

        // A late duplicate publish of an event already delivered is dropped.
        engine.hub.publish(1, &event_b);
        let c = set_tagline(&engine, "c").await;
        assert_eq!(seqs(&sub.next().await.unwrap()), [c], "{backend:?}");
        assert_eq!(sub.last_delivered(), 4);
    }
}
