use leptos::prelude::*;
use leptos_router::components::A;

use super::RealtimeSyncIndicator;

#[component]
pub fn PublicLayout(children: Children) -> impl IntoView {
    view! {
        <div class="public">
            <header class="topbar">
                <a class="brand" href="/">"Courant"</a>
                <RealtimeSyncIndicator/>
            </header>
            <main>{children()}</main>
            <footer class="footer"><a href="/admin/settings">"Backoffice"</a></footer>
        </div>
    }
}

#[component]
pub fn AdminLayout(children: Children) -> impl IntoView {
    view! {
        <div class="admin">
            <header class="topbar">
                <a class="brand" href="/admin/settings">"Courant · Backoffice"</a>
                <nav>
                    <A href="/admin/settings">"Settings"</A>
                    <a href="/" target="_blank" rel="noopener">"View site"</a>
                </nav>
                <RealtimeSyncIndicator/>
            </header>
            <main>{children()}</main>
        </div>
    }
}
