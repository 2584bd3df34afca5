//! Every URL the portal links to, in one place: handlers, templates and the
//! services that write links (notices) call these instead of typing paths.
//! The route table in `web/mod.rs` must agree with it.

pub fn request(id: i32) -> String {
    format!("/talep/{id}")
}
