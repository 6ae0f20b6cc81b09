#include "webhook/kube/discovery.h"

#include "rules/value/json.h"

namespace tollgate::webhook::kube {

using value::Value;

bool discover_resource(ApiClient& client, const policies::SyncKind& kind, ResourceRef* out, std::string* error) {
  std::string path = group_version_path(kind.group, kind.version);
  ApiResponse response;
  try {
    response = client.get(path);
  } catch (const TransportError& e) {
    *error = std::string("discovery: ") + e.what();
    return false;
  }
  if (response.status != 200) {
    *error = "discovery GET " + path + ": " + response.describe();
    return false;
  }
  Value list;
  value::JsonError json_error;
  if (!value::parse_json(response.body, &list, &json_error)) {
    *error = "discovery GET " + path + ": not JSON: " + json_error.message;
    return false;
  }
  const Value& resources = list["resources"];
  if (resources.is_array()) {
    for (const Value& r : resources.items()) {
      std::string_view name = r["name"].string_or("");
      if (r["kind"].string_or("") != kind.kind || name.empty() || name.find('/') != std::string_view::npos) continue;
      out->group = kind.group;
      out->version = kind.version;
      out->resource = std::string(name);
      out->kind = kind.kind;
      out->namespaced = r["namespaced"].is_bool() && r["namespaced"].as_bool();
      return true;
    }
  }
  *error = "the API server serves no kind " + kind.kind + " in " + group_version(kind.group, kind.version);
  return false;
}

}  // namespace tollgate::webhook::kube
