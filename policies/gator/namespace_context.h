// The Namespace gator puts beside an object when it reviews, mutates or
// expands it (Gatekeeper v3.19.3 pkg/gator/expand, NamespaceForResource;
// gatekeeper-expansion.md §5.1, §5.3):
//
// - an object without metadata.namespace (cluster-scoped kinds included)
//   gets an EMPTY Namespace: present, no name, no labels. So
//   `namespaces: [x]` does not match it, `excludedNamespaces` does not
//   exclude it, `scope: Namespaced` matches it and a namespaceSelector sees
//   no labels;
// - an object whose namespace is among the inputs gets that Namespace (the
//   last one of that name, as gator indexes them);
// - an object in `default` that is not among the inputs gets a Namespace
//   named `default` without labels;
// - any other namespace: none (null).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies::gator {

using value::Value;

class NamespaceContext {
 public:
  // Indexes the core v1 Namespaces among `objects`.
  explicit NamespaceContext(const std::vector<Value>& objects);

  // The Namespace for `object` as described above; null when gator has none.
  Value for_object(const Value& object) const;

  // The Namespace named `name` among the inputs, a synthesized `default`,
  // or null.
  Value named(std::string_view name) const;

  // A Namespace object named `name` ("" for the empty Namespace), no labels.
  static Value synthesized(std::string_view name);

 private:
  std::unordered_map<std::string, Value> by_name_;
};

// True for a core (group "") Namespace of any version.
bool is_core_namespace(const Value& object);

}  // namespace tollgate::policies::gator
