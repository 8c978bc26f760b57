use leptos::prelude::*;
use leptos_router::components::A;

use super::RealtimeSyncIndicator;

#[component]
pub fn PublicLayout(children: Children) -> impl IntoView {
    view! {
        <div class="public">
            <header class="topbar">
                <a class="brand" href="/">"Courant"</a>
                <nav>
                    <A href="/team">"Team"</A>
                    <A href="/services">"Services"</A>
                    <A href="/solutions">"Solutions"</A>
                </nav>
                <RealtimeSyncIndicator/>
            </header>
            <main>{children()}</main>
            <footer class="footer"><a href="/admin/settings">"Backoffice"</a></footer>
        </div>
    }
}

#[component]
pub fn AdminLayout(children: Children) -> impl IntoView {
    crate::client::use_live_feed().use_staff_audience();
    view! {
        <div class="admin">
            <header class="topbar">
                <a class="brand" href="/admin/settings">"Courant · Backoffice"</a>
                <nav>
                    <A href="/admin/settings">"Settings"</A>
                    <A href="/admin/team">"Team"</A>
                    <A href="/admin/services">"Services"</A>
                    <A href="/admin/solutions">"Solutions"</A>
                    <A href="/admin/webhooks">"Webhooks"</A>
                    <a href="/" target="_blank" rel="noopener">"View site"</a>
                </nav>
                <RealtimeSyncIndicator/>
            </header>
            <main>{children()}</main>
        </div>
    }
}
