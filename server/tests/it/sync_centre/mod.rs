//! The sync centre: backups and restores (exactly the backup's data back, live on open
//! pages), refused files that change nothing, the schedule and its retention, a failing
//! schedule on the badge, and who may do what.

mod backups;
