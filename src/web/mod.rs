//! HTTP: handlers per area, the layout context, sessions, CSRF, guards and
//! error pages. Handlers stay thin: parse, ask the domain, call `db`, render.

pub mod admin;
pub mod auth;
pub mod csrf;
pub mod errors;
pub mod forms;
pub mod home;
pub mod identity;
pub mod page;
pub mod session;

use actix_web::middleware::from_fn;
use actix_web::web;

use crate::domain::role::Role;
use identity::{require_login, role_guard};

/// Every route of the portal. Area scopes carry their role guard, so a handler
/// inside one can rely on the role; unit scope is checked per record with
/// [`identity::CurrentUser::ensure_unit`].
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(home::healthz))
        .route("/static/app.css", web::get().to(home::stylesheet))
        .route("/giris", web::get().to(auth::login_form))
        .route("/giris", web::post().to(auth::login))
        .route("/cikis", web::post().to(auth::logout))
        .service(
            web::scope("/hesap")
                .wrap(from_fn(require_login))
                .route("/parola", web::get().to(auth::password_form))
                .route("/parola", web::post().to(auth::change_password)),
        )
        .service(
            web::scope("/talepler")
                .wrap(from_fn(role_guard(Role::Officer)))
                .wrap(from_fn(require_login))
                .route("", web::get().to(home::officer_area)),
        )
        .service(
            web::scope("/inceleme")
                .wrap(from_fn(role_guard(Role::Reviewer)))
                .wrap(from_fn(require_login))
                .route("", web::get().to(home::reviewer_area)),
        )
        .service(
            web::scope("/mali")
                .wrap(from_fn(role_guard(Role::Finance)))
                .wrap(from_fn(require_login))
                .route("", web::get().to(home::finance_area)),
        )
        .service(
            web::scope("/bilgilerim")
                .wrap(from_fn(role_guard(Role::Staff)))
                .wrap(from_fn(require_login))
                .route("", web::get().to(home::staff_area)),
        )
        .service(
            web::scope("/yonetim")
                .wrap(from_fn(role_guard(Role::Admin)))
                .wrap(from_fn(require_login))
                .route("", web::get().to(admin::users::list))
                .route("/kullanicilar", web::get().to(admin::users::list))
                .route("/kullanicilar/yeni", web::get().to(admin::users::new_form))
                .route("/kullanicilar/yeni", web::post().to(admin::users::create))
                .route("/kullanicilar/{id}", web::get().to(admin::users::edit_form))
                .route("/kullanicilar/{id}", web::post().to(admin::users::update))
                .route("/birimler", web::get().to(admin::units::list))
                .route("/birimler/yeni", web::get().to(admin::units::new_form))
                .route("/birimler/yeni", web::post().to(admin::units::create))
                .route("/birimler/{id}", web::get().to(admin::units::edit_form))
                .route("/birimler/{id}", web::post().to(admin::units::update))
                .route("/denetim", web::get().to(admin::audit::list)),
        )
        .service(
            web::resource("/")
                .wrap(from_fn(require_login))
                .route(web::get().to(home::dashboard)),
        );
}
