//! The shop's example products, made on a first start with example content (the bakery of
//! the demo site), so a fresh `make run` has a shop to try.

use crate::core::error::AppError;
use crate::core::principal::Principal;
use crate::engine::{save, Engine};
use crate::shop::model::Product;

pub async fn seed(engine: &Engine, who: &Principal) -> Result<(), AppError> {
    let products = [
        (
            "Pain au levain",
            "Farine bio, levain maison, cuit au feu de bois.",
            450,
            None,
        ),
        (
            "Boîte de 6 croissants",
            "Pur beurre, à réchauffer 3 minutes.",
            780,
            Some(20),
        ),
        (
            "Pot de confiture d’abricot",
            "Abricots du Roussillon, 350 g.",
            690,
            Some(12),
        ),
        (
            "Tote bag Courant",
            "Coton bio, imprimé à Lyon.",
            1250,
            Some(5),
        ),
    ];
    for (order, (name, description, price_cents, stock)) in products.into_iter().enumerate() {
        let product = Product {
            name: name.into(),
            description: description.into(),
            price_cents,
            stock,
            published: true,
            order: order as i64,
            ..Default::default()
        };
        save::create(engine, who, product).await?;
    }
    Ok(())
}
