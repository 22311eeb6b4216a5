//! One module per screen.

pub mod apply;
pub mod home;
pub mod no_access;
pub mod review;
pub mod setups;
pub mod verify;
pub mod wizard;
