// Params of admission policies (vap-semantics.md §4.3), from loaded objects:
// which kinds are known and namespaced (CustomResourceDefinitions, the
// objects themselves, the built-in kinds), and the params a binding's
// paramRef selects for one request, in (namespace, name) order.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policies/vap/match.h"
#include "policies/vap/vap_objects.h"
#include "rules/value/value.h"

namespace tollgate::policies::vap {

class ParamIndex {
 public:
  explicit ParamIndex(const std::vector<value::Value>& param_objects);

  struct KindInfo {
    bool namespaced = true;
    std::string error;  // "failed to find resource referenced by paramKind: ..." when unknown
  };
  KindInfo resolve(const ParamKind& kind) const;

  // The params of one invocation set: one null param when the policy has no
  // paramKind or the binding no paramRef; false with `error` set for a
  // configuration error (no params with Deny, a namespaced paramRef on a
  // cluster-scoped request, ...).
  bool collect(const std::optional<ParamKind>& kind, bool namespaced, const std::optional<ParamRef>& ref,
               const RequestAttributes& attributes, std::vector<value::Value>& out, std::string* error) const;

 private:
  std::map<std::string, std::vector<value::Value>, std::less<>> params_;  // "<group>/<kind>"
  std::map<std::string, bool, std::less<>> namespaced_;                 // known kinds
};

}  // namespace tollgate::policies::vap
