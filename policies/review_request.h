// The AdmissionRequest Gatekeeper reviews for a plain object outside the
// webhook (audit, gator; gatekeeper-semantics.md §3.2): uid "", kind from
// the object's apiVersion/kind, resource all "", name and namespace from the
// object (omitted when empty), the given operation ("" by default), empty
// userInfo, the object, oldObject and options null.
#pragma once

#include <string_view>

#include "rules/value/value.h"

namespace tollgate::policies {

value::Value admission_request_for_object(const value::Value& object, std::string_view operation = "");

}  // namespace tollgate::policies
