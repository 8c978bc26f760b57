//! Identity and access: every server function and live socket × role × organisation,
//! people and invitations, sign-in forms.

mod access;
// Password changes and new organisations: all or nothing.
mod atomic_writes;
mod live_access;
mod people;
mod sign_in_forms;
