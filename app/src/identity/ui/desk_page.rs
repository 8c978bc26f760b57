//! The operators' page until their desk (orders, prospects) exists: a place of their own to
//! land on, saying what is coming, instead of content pages their role cannot use.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::core::roles::Permission;
use crate::i18n::*;
use crate::identity::ui::layout::AdminLayout;

#[component]
pub fn DeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let feed = crate::client::use_live_feed();
    Effect::new(move |_| feed.start_at_head());
    view! {
        <AdminLayout read=Permission::ReadCustomers write=Permission::WriteCustomers>
            <Title text=move || t_string!(i18n, identity.desk.page_title)/>
            <h1>{t!(i18n, identity.desk.heading)}</h1>
            <p data-testid="desk-coming">{t!(i18n, identity.desk.coming)}</p>
            <p>
                {t!(i18n, identity.desk.meanwhile)} " "
                <a href="/admin/account">{t!(i18n, identity.desk.account)}</a>
            </p>
        </AdminLayout>
    }
}
