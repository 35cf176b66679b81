//! Rankings of organisations and of the managers who opted in, by the good index of their
//! practices: public, like the practices they are computed from.

use axum::{extract::State, Json};

use crate::{
    error::AppResult,
    service::good_index::{self, RankingRow},
    state::Fed,
};

/// Organisations by the Bayesian average (3·μ + ΣG) / (3 + N) of their practices' combined
/// index, each row with the figures that produced its rank.
#[utoipa::path(get, path = "/api/v1/rankings/organisations",
    responses((status = 200, body = [RankingRow])))]
pub async fn organisations(State(fed): State<Fed>) -> AppResult<Json<Vec<RankingRow>>> {
    Ok(Json(
        good_index::organisations(&fed.to_request_data()).await?,
    ))
}

/// Managers of this instance who opted in (`PATCH /api/v1/me {"ranked": true}`), ranked
/// alike over the practices whose team names them as manager.
#[utoipa::path(get, path = "/api/v1/rankings/managers",
    responses((status = 200, body = [RankingRow])))]
pub async fn managers(State(fed): State<Fed>) -> AppResult<Json<Vec<RankingRow>>> {
    Ok(Json(good_index::managers(&fed.to_request_data()).await?))
}
