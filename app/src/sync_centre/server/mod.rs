pub mod backup;
pub mod config;
pub mod export;
pub mod file;
pub mod logs_csv;
pub mod restore;
pub mod retention;
pub mod schedule;
