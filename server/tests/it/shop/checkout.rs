//! Checkouts: the last units go to as many buyers as there are units, a confirm sent twice
//! makes one order, the cart's prices are the server's, and refused carts write nothing.

use serde_json::{json, Value};

use crate::common::*;

on_both_backends!(
    twenty_buyers_of_five_units_make_five_orders,
    a_confirm_sent_twice_makes_one_order,
    the_server_prices_the_cart_and_refuses_bad_ones,
    the_confirmation_needs_its_key,
);

/// A published product made by the admin; its id.
pub async fn product(app: &TestApp, name: &str, price_cents: i64, stock: Option<i64>) -> String {
    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "products", "op": "create", "payload": {
                "name": name, "description": "", "price_cents": price_cents, "stock": stock,
                "image_url": "", "published": true, "order": 0 } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["record"]["id"].as_str().unwrap().to_string()
}

/// A checkout of `lines` (product id, quantity) by a visitor, with the checkout key `key`.
pub async fn checkout(app: &TestApp, lines: &[(&str, i64)], key: &str) -> (u16, Value) {
    checkout_as(app, lines, key, "buyer@example.org").await
}

pub async fn checkout_as(
    app: &TestApp,
    lines: &[(&str, i64)],
    key: &str,
    email: &str,
) -> (u16, Value) {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(id, q)| json!({ "product_id": id, "quantity": q }))
        .collect();
    let res = app
        .anon
        .post(app.url("/api/shop/checkout"))
        .json(
            &json!({ "lines": lines, "name": "Léa Buyer", "email": email,
                       "phone": "", "notes": "", "key": key }),
        )
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub async fn staff_list(app: &TestApp, collection: &str) -> Vec<Value> {
    let (status, body) = app
        .call_form("/api/list/staff", &[("collection", collection)])
        .await;
    assert_eq!(status, 200, "{body}");
    body["record"].as_array().unwrap().clone()
}

pub async fn product_state(app: &TestApp, id: &str) -> (Option<i64>, i64) {
    let list = staff_list(app, "products").await;
    let p = list.iter().find(|p| p["id"] == id).unwrap();
    (p["stock"].as_i64(), p["sold_count"].as_i64().unwrap())
}

fn key(i: usize) -> String {
    format!("test-checkout-key-{i:04}")
}

fn is_order_number(n: &str) -> bool {
    let parts: Vec<&str> = n.split('-').collect();
    parts.len() == 3
        && parts[0] == "CMD"
        && parts[1].len() == 8
        && parts[1].bytes().all(|b| b.is_ascii_digit())
        && parts[2].len() == 6
        && parts[2]
            .bytes()
            .all(|b| b"ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(&b))
}

async fn twenty_buyers_of_five_units_make_five_orders(b: Backend) {
    let app = spawn_app(b).await;
    let id = product(&app, "Tote bag", 1250, Some(5)).await;
    let tries = (0..20).map(|i| {
        let app = &app;
        let id = id.clone();
        async move { checkout(app, &[(&id, 1)], &key(i)).await }
    });
    let answers = futures::future::join_all(tries).await;
    let placed: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(placed.len(), 5, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != 200) {
        assert_eq!(*status, 422, "{body}");
        assert!(body.to_string().contains("out of stock"), "{body}");
    }
    let mut numbers: Vec<&str> = placed
        .iter()
        .map(|p| p["number"].as_str().unwrap())
        .collect();
    assert!(numbers.iter().all(|n| is_order_number(n)), "{numbers:?}");
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 5);
    assert_eq!(product_state(&app, &id).await, (Some(0), 5));
    let orders = staff_list(&app, "orders").await;
    assert_eq!(orders.len(), 5);
    for o in &orders {
        assert_eq!(o["status"], "pending");
        assert_eq!(o["total_cents"], 1250);
        assert_eq!(o["lines"][0]["name"], "Tote bag");
    }
}

async fn a_confirm_sent_twice_makes_one_order(b: Backend) {
    let app = spawn_app(b).await;
    let id = product(&app, "Mug", 900, Some(10)).await;
    let first = checkout(&app, &[(&id, 2)], &key(1)).await;
    assert_eq!(first.0, 200, "{:?}", first.1);
    // A double click and a retry after a lost answer, some at the same moment.
    let again = futures::future::join_all((0..5).map(|_| {
        let (app, id) = (&app, id.clone());
        async move { checkout(app, &[(&id, 2)], &key(1)).await }
    }))
    .await;
    for answer in &again {
        assert_eq!(answer, &first);
    }
    assert_eq!(staff_list(&app, "orders").await.len(), 1);
    assert_eq!(product_state(&app, &id).await, (Some(8), 2));
    // Five at once with a new key: still one order.
    let burst = futures::future::join_all((0..5).map(|_| {
        let (app, id) = (&app, id.clone());
        async move { checkout(app, &[(&id, 1)], &key(2)).await }
    }))
    .await;
    assert!(
        burst.iter().all(|a| a == &burst[0] && a.0 == 200),
        "{burst:?}"
    );
    assert_eq!(staff_list(&app, "orders").await.len(), 2);
    assert_eq!(product_state(&app, &id).await, (Some(7), 3));
    // The same key with another cart or buyer (a key guessed or reused): refused, and never
    // the other order's number or key.
    let (status, body) = checkout(&app, &[(&id, 5)], &key(1)).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = checkout_as(&app, &[(&id, 2)], &key(1), "thief@example.org").await;
    assert_eq!(status, 422, "{body}");
    assert!(!body.to_string().contains(first.1["key"].as_str().unwrap()));
    assert_eq!(staff_list(&app, "orders").await.len(), 2);
    // Orders come from checkouts only: the generic create refuses one made by hand.
    let (status, body) = app
        .call(
            "/api/sync",
            json!({ "collection": "orders", "op": "create", "payload": {
                "number": "CMD-20260101-AAAAAA", "customer_name": "Faux", "email": "f@x.test",
                "lines": [], "total_cents": 0 } }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(staff_list(&app, "orders").await.len(), 2);
}

async fn the_server_prices_the_cart_and_refuses_bad_ones(b: Backend) {
    let app = spawn_app(b).await;
    let mug = product(&app, "Mug", 900, None).await;
    let bag = product(&app, "Bag", 2500, Some(3)).await;
    // The browser's price, however it was changed, is not even read.
    let res = app
        .anon
        .post(app.url("/api/shop/checkout"))
        .json(&json!({ "lines": [
                { "product_id": mug, "quantity": 2, "unit_price_cents": 1, "price_cents": 1 },
                { "product_id": bag, "quantity": 1, "total_cents": 0 } ],
            "name": "Léa", "email": "lea@example.org", "key": key(1), "total_cents": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let orders = staff_list(&app, "orders").await;
    assert_eq!(orders[0]["total_cents"], 2 * 900 + 2500);
    assert_eq!(orders[0]["lines"][0]["unit_price_cents"], 900);

    // What is refused says why, and writes nothing.
    let before = product_state(&app, &bag).await;
    let cases: Vec<(Vec<(&str, i64)>, &str)> = vec![
        (vec![], "cart is empty"),
        (vec![(&bag, 0)], "between 1 and 99"),
        (vec![(&bag, 100)], "between 1 and 99"),
        (vec![(&bag, 4)], "out of stock (2 left)"),
        (vec![("no-such-product", 1)], "no longer on sale"),
        (vec![(&mug, 1), (&bag, 4)], "out of stock"),
    ];
    for (i, (lines, says)) in cases.into_iter().enumerate() {
        let (status, body) = checkout(&app, &lines, &key(100 + i)).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains(says), "{says}: {body}");
    }
    let (status, body) = checkout_as(&app, &[(&bag, 1)], &key(200), "not an email").await;
    assert_eq!(status, 422);
    assert_eq!(validation_fields(&body), ["email"]);
    let (status, _) = checkout(&app, &[(&bag, 1)], "short").await;
    assert_eq!(status, 422);
    // An unpublished product cannot be bought.
    let hidden = product(&app, "Hidden", 100, None).await;
    let (status, _) = app
        .call(
            "/api/sync",
            json!({ "collection": "products", "op": "update", "payload": {
                "id": hidden, "base_version": 1, "changes": { "published": { "from": true, "to": false } } } }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = checkout(&app, &[(&hidden, 1)], &key(300)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(product_state(&app, &bag).await, before);
    assert_eq!(staff_list(&app, "orders").await.len(), 1);
    // Too many lines.
    let many: Vec<String> = (0..51).map(|i| format!("p{i}")).collect();
    let lines: Vec<(&str, i64)> = many.iter().map(|id| (id.as_str(), 1)).collect();
    let (status, body) = checkout(&app, &lines, &key(400)).await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("at most 50"), "{body}");
}

async fn the_confirmation_needs_its_key(b: Backend) {
    let app = spawn_app(b).await;
    let id = product(&app, "Mug", 900, None).await;
    let (_, placed) = checkout(&app, &[(&id, 3)], &key(1)).await;
    let number = placed["number"].as_str().unwrap();
    let secret = placed["key"].as_str().unwrap();
    assert_eq!(secret.len(), 32);
    let receipt = |number: String, secret: String| {
        let app = &app;
        async move {
            let res = app
                .anon
                .post(app.url("/api/shop/receipt"))
                .json(&json!({ "number": number, "key": secret }))
                .send()
                .await
                .unwrap();
            (
                res.status().as_u16(),
                res.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, body) = receipt(number.into(), secret.into()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["number"], number);
    assert_eq!(body["total_cents"], 2700);
    assert_eq!(body["lines"][0]["quantity"], 3);
    let mut wrong = secret.to_string();
    wrong.replace_range(0..1, if secret.starts_with('a') { "b" } else { "a" });
    for (n, k) in [
        (number.to_string(), wrong),
        (number.to_string(), String::new()),
        ("CMD-20250101-AAAAAA".into(), secret.to_string()),
        ("../../etc/passwd".into(), secret.to_string()),
    ] {
        let (status, body) = receipt(n, k).await;
        assert_eq!(status, 404, "{body}");
        assert!(!body.to_string().contains("Léa"), "{body}");
    }
}
