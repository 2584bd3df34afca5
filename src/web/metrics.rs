//! `/metrics` in Prometheus text format: requests and latency by route, the
//! outbox, holds ending, the database pool. The endpoint exists only with
//! `METRICS_TOKEN` and answers only a request bearing it (else 404, like any
//! unknown page), so it can sit behind the same proxy as the portal.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};

use super::errors::AppError;
use crate::app::AppState;
use crate::service::metrics::{self, Gauges};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Stat {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Counts per (method, route pattern, status); the pattern (`/talep/{id}`),
/// not the path, so the label set stays small.
#[derive(Default)]
pub struct Metrics {
    by_route: Mutex<BTreeMap<(String, String, u16), Stat>>,
}

impl Metrics {
    fn observe(&self, key: (String, String, u16), secs: f64) {
        let Ok(mut map) = self.by_route.lock() else {
            return;
        };
        let stat = map.entry(key).or_default();
        stat.count += 1;
        stat.sum += secs;
        for (bound, n) in BUCKETS.iter().zip(stat.buckets.iter_mut()) {
            if secs <= *bound {
                *n += 1;
            }
        }
    }

    fn render(&self, out: &mut String) {
        let Ok(map) = self.by_route.lock() else {
            return;
        };
        out.push_str("# TYPE mobilimza_http_requests_total counter\n");
        for ((method, route, status), s) in map.iter() {
            let _ = writeln!(
                out,
                "mobilimza_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# TYPE mobilimza_http_request_duration_seconds histogram\n");
        let mut by_route: BTreeMap<(&str, &str), Stat> = BTreeMap::new();
        for ((method, route, _), s) in map.iter() {
            let t = by_route.entry((method, route)).or_default();
            t.count += s.count;
            t.sum += s.sum;
            for (a, b) in t.buckets.iter_mut().zip(s.buckets) {
                *a += b;
            }
        }
        for ((method, route), s) in by_route {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "mobilimza_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "mobilimza_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 mobilimza_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 mobilimza_http_request_duration_seconds_count{{{labels}}} {}",
                s.count, s.sum, s.count
            );
        }
    }
}

/// Middleware: times every request under its route pattern.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(eşleşmeyen)".to_owned());
    if let Some(state) = res.request().app_data::<web::Data<AppState>>() {
        let key = (method, route, res.status().as_u16());
        state.metrics.observe(key, started.elapsed().as_secs_f64());
    }
    Ok(res)
}

/// `GET /metrics` with `Authorization: Bearer <METRICS_TOKEN>`.
pub async fn endpoint(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return Err(AppError::NotFound);
    };
    let sent = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !sent.is_some_and(|s| super::csrf::constant_time_eq(s.as_bytes(), token.as_bytes())) {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now_naive();
    let gauges = state.call(move |conn| metrics::gauges(conn, now)).await?;
    let mut out = String::new();
    state.metrics.render(&mut out);
    gauge_lines(&mut out, &gauges, state.pool.state());
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out))
}

fn gauge_lines(out: &mut String, g: &Gauges, pool: diesel::r2d2::State) {
    for (name, help, value) in [
        (
            "mobilimza_outbox_pending",
            "e-posta kuyruğunda bekleyen",
            g.outbox_pending,
        ),
        (
            "mobilimza_outbox_failed",
            "gönderilemeyen e-posta",
            g.outbox_failed,
        ),
        (
            "mobilimza_holds_ending",
            "SMS beklemesi bir saat içinde biten talepler",
            g.holds_ending,
        ),
        ("mobilimza_requests_open", "açık talepler", g.open_requests),
        (
            "mobilimza_db_pool_connections",
            "havuzdaki bağlantılar",
            i64::from(pool.connections),
        ),
        (
            "mobilimza_db_pool_idle",
            "boştaki bağlantılar",
            i64::from(pool.idle_connections),
        ),
    ] {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    }
}
