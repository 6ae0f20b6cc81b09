// Params of admission policies (vap-semantics.md §4.3), from loaded objects:
// which kinds are known and namespaced (CustomResourceDefinitions, the
// objects themselves, the built-in kinds), and the params a binding's
// paramRef selects for one request, in (namespace, name) order.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
  // One param object with what a lookup compares, read once; the views point
  // into `object`, which outlives them.
  struct Param {
    value::Value object;
    std::string_view api_version;
    std::string_view namespace_name;
    std::string_view name;
    const value::Value* labels = nullptr;
  };
  // (group, kind), looked up without building a key.
  using KindKey = std::pair<std::string, std::string>;
  struct KindLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::pair<std::string_view, std::string_view>(a.first, a.second) <
             std::pair<std::string_view, std::string_view>(b.first, b.second);
    }
  };
  std::map<KindKey, std::vector<Param>, KindLess> params_;  // in (namespace, name) order
  std::map<std::string, bool, std::less<>> namespaced_;     // known kinds, "<group>/<kind>"
};

}  // namespace tollgate::policies::vap
