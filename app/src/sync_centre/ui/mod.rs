//! The sync centre's pages: the dashboard, the log and one operation's detail, the backups,
//! the configuration, the statistics; and the header's backup badge.

pub mod backups_page;
pub mod config_page;
pub mod dashboard_page;
pub mod log_page;
pub mod logs_page;
pub mod ops;
pub mod stats_page;
