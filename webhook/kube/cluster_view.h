// What the admission endpoints ask of the cluster: the Namespace of a
// namespaced request (for namespaceSelector), the live data.inventory, and
// whether the first lists are in (/readyz). Implemented by
// kube::ClusterSource (serve with the kube API on); absent otherwise.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "policies/policy_set.h"
#include "rules/value/value.h"

namespace tollgate::webhook::kube {

class ClusterView {
 public:
  virtual ~ClusterView() = default;
  // The Namespace object named `name` as last seen, or null when unknown.
  // Costs a pointer copy and a map lookup.
  virtual value::Value namespace_object(std::string_view name) const = 0;
  // The data document ({"inventory": ...}) of the synced objects, or null
  // when nothing is synced (the policies' own inventory then applies).
  virtual value::Value inventory_data() const = 0;
  // False (with the reason) until the Namespaces have been listed once.
  virtual bool ready(std::string* why) const = 0;
  // A new policy set is in: its Config decides what is synced.
  virtual void policies_changed(const std::shared_ptr<const policies::PolicySet>& policies) = 0;
};

}  // namespace tollgate::webhook::kube
