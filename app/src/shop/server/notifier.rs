//! What a change to an order tells a member: a new order ("Nouvelle commande"), live on the
//! desk's toasts and the bell, and listed for whoever was away.

use crate::core::locale::{current, money};
use crate::core::notification::Notification;
use crate::core::principal::Identity;
use crate::core::protocol::{ChangeEvent, ChangeOp};
use crate::i18n::*;
use crate::shop::model::Order;

pub fn notification(event: &ChangeEvent, _me: &Identity) -> Option<Notification> {
    if event.op != ChangeOp::Created || event.actor != "shop" {
        return None;
    }
    let order: Order = event.record()?;
    let l = current();
    Some(Notification {
        seq: event.seq,
        kind: "new_order".into(),
        title: td_string!(l, shop.notifications.new_order).to_string(),
        text: td_string!(
            l,
            shop.notifications.new_order_text,
            number = &order.number,
            name = &order.customer_name,
            total = money(order.total_cents, l)
        )
        .to_string(),
        link: format!("/admin/orders/{}", event.record_id),
        action: td_string!(l, shop.notifications.see).to_string(),
        at: event.at,
        seen: false,
    })
}
