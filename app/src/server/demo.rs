//! Content loaded on first start so a new install shows a working site.

use crate::model::SiteSettings;

use super::access::{Principal, DEFAULT_ORG};
use super::{save, store, Engine};

pub async fn seed_if_empty(engine: &Engine) -> Result<(), crate::error::AppError> {
    let mut conn = engine.db.read.acquire().await?;
    let exists = store::load_record(
        &mut conn,
        DEFAULT_ORG,
        "site_settings",
        SiteSettings::SINGLETON_ID,
        "",
    )
    .await?
    .is_some();
    drop(conn);
    if exists {
        return Ok(());
    }
    let who = Principal {
        org: DEFAULT_ORG,
        actor: "setup".into(),
    };
    let settings = SiteSettings {
        company_name: "Courant Bakery".into(),
        tagline: "Fresh bread, every morning".into(),
        email: "hello@courant.example".into(),
        phone: "+33 1 23 45 67 89".into(),
        address: "12 rue du Courant, 75011 Paris".into(),
        opening_hours: "Tue–Sat 7:00–19:00, Sun 7:00–13:00".into(),
        ..Default::default()
    };
    let settings = SiteSettings {
        id: SiteSettings::SINGLETON_ID.into(),
        ..settings
    };
    save::create(engine, &who, settings).await?;
    tracing::info!("loaded demo content");
    Ok(())
}
