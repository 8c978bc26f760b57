//! Content loaded on first start so a new install shows a working site.

use crate::content::model::{Service, Solution, TeamMember};
use crate::content::settings::SiteSettings;
use crate::core::collection::Meta;

use crate::core::principal::{Principal, DEFAULT_ORG};
use crate::engine::{save, store, Engine};

/// The settings record always exists; the example team, services and solutions are loaded
/// only when `with_examples` (the first start of a new install).
pub async fn seed_if_empty(
    engine: &Engine,
    with_examples: bool,
) -> Result<(), crate::core::error::AppError> {
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
    let who = Principal::system(DEFAULT_ORG, "setup");
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
        meta: Meta {
            id: SiteSettings::SINGLETON_ID.into(),
            ..Default::default()
        },
        ..settings
    };
    save::create(engine, &who, settings).await?;
    if with_examples {
        load_examples(engine, &who).await?;
    }
    tracing::info!("loaded first-start content");
    Ok(())
}

/// The settings record of a new organisation, named after it, inside its creation's
/// transaction.
pub async fn seed_settings(
    db: &crate::engine::Db,
    conn: &mut sqlx::AnyConnection,
    who: &Principal,
    name: &str,
) -> crate::engine::HookResult {
    let settings = SiteSettings {
        meta: Meta {
            id: SiteSettings::SINGLETON_ID.into(),
            ..Default::default()
        },
        company_name: name.into(),
        ..Default::default()
    };
    let (_, change) = save::create_in(db, conn, who, settings).await?;
    Ok(vec![change])
}

async fn load_examples(
    engine: &Engine,
    who: &Principal,
) -> Result<(), crate::core::error::AppError> {
    let team = [
        (
            "Camille Durand",
            "Head baker",
            "camille@courant.example",
            "Twenty years of sourdough.",
        ),
        (
            "Louis Martin",
            "Pastry chef",
            "louis@courant.example",
            "Croissants, laminated by hand.",
        ),
    ];
    let team = team
        .iter()
        .enumerate()
        .map(|(i, (name, role, email, bio))| TeamMember {
            name: name.to_string(),
            role: role.to_string(),
            email: email.to_string(),
            bio: bio.to_string(),
            order: i as i64,
            ..Default::default()
        })
        .collect();
    save::save_list(engine, who, team).await?;
    let services = [
        (
            "Daily bread",
            "Baguettes and country loaves, baked every morning.",
            120,
            true,
        ),
        (
            "Celebration cakes",
            "Made to order, three days' notice.",
            3500,
            true,
        ),
        (
            "Bread subscription",
            "A loaf a day, delivered. Coming soon.",
            2900,
            false,
        ),
    ];
    let services = services
        .iter()
        .map(|(name, description, price_cents, published)| Service {
            name: name.to_string(),
            description: description.to_string(),
            price_cents: *price_cents,
            published: *published,
            ..Default::default()
        })
        .collect();
    save::save_list(engine, who, services).await?;
    let solutions = vec![
        Solution {
            title: "Office breakfasts".into(),
            description: "Pastries and coffee for teams of 10 to 200.".into(),
            category: "Catering".into(),
            published: true,
            ..Default::default()
        },
        Solution {
            title: "Wedding tables".into(),
            description: "Pièces montées and bread for the whole feast.".into(),
            category: "Events".into(),
            published: true,
            ..Default::default()
        },
    ];
    save::save_list(engine, who, solutions).await?;
    Ok(())
}
