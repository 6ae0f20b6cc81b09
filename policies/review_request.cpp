#include "policies/review_request.h"

#include "policies/model/parse_context.h"

namespace tollgate::policies {

using value::Value;

Value admission_request_for_object(const Value& object, std::string_view operation) {
  std::string_view api_version = object["apiVersion"].string_or("");
  const Value& meta = object["metadata"];
  std::string_view name = meta["name"].string_or("");
  std::string_view ns = meta["namespace"].string_or("");

  value::ObjectBuilder kind;
  kind.add("group", Value::string(api_group_of(api_version)));
  kind.add("version", Value::string(api_version_of(api_version)));
  kind.add("kind", Value::string(object["kind"].string_or("")));
  value::ObjectBuilder resource;
  resource.add("group", Value::string("")).add("version", Value::string("")).add("resource", Value::string(""));

  value::ObjectBuilder req;
  req.add("uid", Value::string(""));
  req.add("kind", kind.build());
  req.add("resource", resource.build());
  if (!name.empty()) req.add("name", Value::string(name));
  if (!ns.empty()) req.add("namespace", Value::string(ns));
  req.add("operation", Value::string(operation));
  req.add("userInfo", Value::empty_object());
  req.add("object", object);
  req.add("oldObject", Value::null());
  req.add("options", Value::null());
  return req.build();
}

}  // namespace tollgate::policies
