// Params of admission policies (vap-semantics.md §4.3), from loaded objects:
// which kinds are known and namespaced (CustomResourceDefinitions, the
// objects themselves, the built-in kinds), and the params a binding's
// paramRef selects for one request, in (namespace, name) order.
//
// serve with the kube API builds one from the cluster too
// (webhook/kube/param_sync.h): the objects listed and watched, and what the
// cluster said of each paramKind (its scope; not listed yet; not served).
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

// What the cluster says of one paramKind serve watches.
struct WatchedParamKind {
  enum class State {
    Listing,    // discovery found it, its first list is not in yet
    Listed,     // listed once: the index holds its objects
    NotServed,  // discovery did not find it (retried)
  };
  std::string group;
  std::string version;
  std::string kind;
  State state = State::Listing;
  bool namespaced = true;  // discovery's answer (Listing, Listed)
};

class ParamIndex {
 public:
  // The offline index: a paramKind is known from a CRD among the objects,
  // from its objects, or as a built-in kind.
  explicit ParamIndex(const std::vector<value::Value>& param_objects);
  // The cluster's index (objects from files and from the cluster): a kind
  // discovery found has its scope; one not listed yet, or not watched at
  // all yet (a policy reload is ahead of the watches), is "not yet synced"
  // for a binding with a paramRef, as the API server's informer is; one the
  // cluster does not serve is unknown unless the files declare it.
  ParamIndex(const std::vector<value::Value>& param_objects, std::vector<WatchedParamKind> watched);

  struct Kind;
  struct KindInfo {
    bool namespaced = true;
    // A configuration error of the policy: "failed to find resource referenced by paramKind: ..."
    std::string error;
    // A configuration error of each binding with a paramRef: "paramKind kind `...` not yet synced to use for admission".
    std::string binding_error;
    const Kind* entry = nullptr;  // the kind's params in this index; null when it has none
  };
  KindInfo resolve(const ParamKind& kind) const;

  // The params of one invocation set: one null param when the policy has no
  // paramKind or the binding no paramRef; false with `error` set for a
  // configuration error (no params with Deny, a namespaced paramRef on a
  // cluster-scoped request, ...). `info` is resolve()'s answer for the
  // policy's paramKind, from an index that outlives this call.
  static bool collect(const std::optional<ParamKind>& kind, const KindInfo& info, const std::optional<ParamRef>& ref,
                      const RequestAttributes& attributes, std::vector<value::Value>& out, std::string* error);

  // One param object with what a lookup compares, read once; the views point
  // into `object`, which outlives them.
  struct Param {
    value::Value object;
    std::string_view api_version;
    std::string_view namespace_name;
    std::string_view name;
    const value::Value* labels = nullptr;
  };
  struct Kind {
    std::vector<Param> params;  // in (namespace, name) order
    bool any_version = false;   // a custom resource: read at any version of its group
  };

 private:
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
  KindInfo resolve_offline(std::string_view group, const ParamKind& kind) const;

  std::map<KindKey, Kind, KindLess> kinds_;
  std::map<KindKey, bool, KindLess> namespaced_;  // kinds the objects declare or hold
  bool cluster_ = false;
  std::vector<WatchedParamKind> watched_;
};

}  // namespace tollgate::policies::vap
