//! Content loaded on first start so a new install shows a working site.

use crate::content::model::{Service, Solution, TeamMember};
use crate::content::settings::SiteSettings;
use crate::core::collection::Meta;

use crate::core::principal::{Principal, DEFAULT_ORG};
use crate::engine::{save, store, Engine};

/// The settings record always exists; the example team, services and solutions are loaded
/// only when `with_examples` (the first start of a new install). In French, the site's
/// default language (a French bakery's site, as its editors would write it).
/// Whether this was the first start (the installation's first records were made now).
pub async fn seed_if_empty(
    engine: &Engine,
    with_examples: bool,
) -> Result<bool, crate::core::error::AppError> {
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
        return Ok(false);
    }
    let who = Principal::system(DEFAULT_ORG, "setup");
    let settings = SiteSettings {
        company_name: "Boulangerie Courant".into(),
        tagline: "Du pain frais, chaque matin".into(),
        email: "bonjour@courant.example".into(),
        phone: "+33 1 23 45 67 89".into(),
        address: "12 rue du Courant, 75011 Paris".into(),
        opening_hours: "Du mardi au samedi de 7 h à 19 h, le dimanche de 7 h à 13 h".into(),
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
    Ok(true)
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
            "Cheffe boulangère",
            "camille@courant.example",
            "Vingt ans de levain.",
        ),
        (
            "Louis Martin",
            "Chef pâtissier",
            "louis@courant.example",
            "Des croissants feuilletés à la main.",
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
            "Pain du jour",
            "Baguettes et pains de campagne, cuits chaque matin.",
            120,
            true,
        ),
        (
            "Gâteaux de fête",
            "Sur commande, trois jours à l’avance.",
            3500,
            true,
        ),
        (
            "Abonnement pain",
            "Un pain par jour, livré chez vous. Bientôt disponible.",
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
            title: "Petits-déjeuners d’entreprise".into(),
            description: "Viennoiseries et café pour des équipes de 10 à 200 personnes.".into(),
            category: "Traiteur".into(),
            published: true,
            ..Default::default()
        },
        Solution {
            title: "Tables de mariage".into(),
            description: "Pièces montées et pain pour tout le repas.".into(),
            category: "Événements".into(),
            published: true,
            ..Default::default()
        },
    ];
    save::save_list(engine, who, solutions).await?;
    Ok(())
}
