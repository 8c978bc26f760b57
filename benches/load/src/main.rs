//! Load generator for Courant (see BENCHMARKS.md).
//!
//! `courant-load live`   drives a running server: N live subscribers (public and staff), M
//!                       editors doing merged saves at a fixed rate (open loop), and reports
//!                       latency, throughput, server CPU and memory, and completeness.
//! `courant-load saves`  compares the engine's merged save (change log and publish included)
//!                       with a bare single-row sqlx update transaction on the same database.
//! `courant-load bookings` signed booking webhooks with staff sockets open: bookings accepted
//!                       per second, and from the POST to the prospect on every socket.
//! `courant-load sample-booking` one correctly signed booking, for demos and for wiring a
//!                       booking tool (docs/BOOKING.md).
//! `courant-load checkouts` buyers checking out with the orders desk open on staff sockets:
//!                       checkouts per second, and from the checkout to the order on every socket.
//! `courant-load backups` the sync centre's backup and restore of a large organisation: time,
//!                       the server's peak memory, and the restore's effect on an open page.
//! `courant-load table`  the Markdown tables of BENCHMARKS.md from those runs' JSON lines.

mod backups;
mod booking_tool;
mod bookings;
mod checkouts;
mod editors;
mod http;
mod live;
mod procfs;
mod report;
mod saves;
mod staff;
mod subscribers;
mod table;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(version, about = "Load generator for Courant's live feed")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Live(live::LiveArgs),
    Saves(saves::SavesArgs),
    Bookings(bookings::BookingsArgs),
    Checkouts(checkouts::CheckoutsArgs),
    Backups(backups::BackupsArgs),
    /// Send one correctly signed sample booking (Calendly's invitee.created) to a webhook.
    SampleBooking(booking_tool::SampleArgs),
    /// Print BENCHMARKS.md's tables from the JSON lines of earlier runs.
    Table(table::TableArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    // Thousands of sockets need thousands of descriptors; raise the soft limit to the hard one.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let result = match Cli::parse().command {
        Command::Live(args) => live::run(args).await,
        Command::Saves(args) => saves::run(args).await,
        Command::Bookings(args) => bookings::run(args).await,
        Command::Checkouts(args) => checkouts::run(args).await,
        Command::Backups(args) => backups::run(args).await,
        Command::SampleBooking(args) => booking_tool::sample(args).await,
        Command::Table(args) => table::run(args),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        // The run finished but found missing, duplicate or out-of-order events.
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("courant-load: {e}");
            ExitCode::FAILURE
        }
    }
}

pub type Error = Box<dyn std::error::Error + Send + Sync>;
