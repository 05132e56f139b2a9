#include "mock/mock_state.h"

#include "mock/openai_shapes.h"

namespace servebench::mock {

Reply MockState::Fail(int status, std::string_view message, std::string_view type,
                      std::string_view code) {
  Reply r;
  r.status = status;
  r.body = ErrorBody(message, type, code);
  return r;
}

bool MockState::Authorized(const HttpRequest& request, Reply* refusal) {
  if (options.api_key.empty()) return true;
  if (request.Header("authorization") == "Bearer " + options.api_key) return true;
  ++counters.unauthorized;
  *refusal = Fail(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
  return false;
}

bool MockState::ServesModel(const std::string& model) const {
  if (options.models.empty()) return true;
  for (const auto& m : options.models) {
    if (m == model) return true;
  }
  return false;
}

Reply MockState::UnknownModel(const std::string& model) {
  ++counters.bad_requests;
  return Fail(404, "The model '" + model + "' does not exist.", "NotFoundError", "model_not_found");
}

void MockState::CountStreamStart() {
  const int64_t active = ++counters.streams_active;
  int64_t peak = counters.streams_peak.load();
  while (active > peak && !counters.streams_peak.compare_exchange_weak(peak, active)) {
  }
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace servebench::mock
