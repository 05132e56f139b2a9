#include "runner/transport/server_identity.h"

#include "runner/base/json.h"

namespace servebench::transport {
namespace {

using Json = nlohmann::json;

constexpr double kProbeTimeoutS = 10;

std::string StringAt(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Json ProbeServerIdentity(const std::string& base_url, const TransportOptions& options,
                         double wait_s) {
  Json identity = Json::object();
  const FetchResult models = FetchWhenUp(base_url + "/v1/models", options, wait_s);
  if (models.status == 0) return identity;
  if (!models.server.empty()) identity["server_header"] = models.server;
  const Json list = base::ParseJson<Json>(models.body);
  if (models.status == 200 && list.is_object() && list.contains("data") &&
      list["data"].is_array()) {
    Json out = Json::array();
    for (const auto& m : list["data"]) {
      if (!m.is_object()) continue;
      Json model = {{"id", StringAt(m, "id")}};
      if (const std::string owner = StringAt(m, "owned_by"); !owner.empty())
        model["owned_by"] = owner;
      out.push_back(std::move(model));
    }
    identity["models"] = std::move(out);
  }
  // vLLM answers {"version": "0.11.0"}; other servers 404, or a page that is not this.
  const FetchResult version = Fetch(base_url + "/version", options, kProbeTimeoutS);
  const Json v = base::ParseJson<Json>(version.body);
  if (version.status == 200 && v.is_object() && !StringAt(v, "version").empty())
    identity["version"] = StringAt(v, "version");
  return identity;
}

}  // namespace servebench::transport
