// A Kubernetes label selector (metav1.LabelSelector): matchLabels and
// matchExpressions (In, NotIn, Exists, DoesNotExist), AND-ed. Validated
// when parsed, as metav1.LabelSelectorAsSelector does, so matching never
// fails.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies {

class LabelSelector {
 public:
  struct ParseError {
    std::string pointer;  // relative to the selector
    std::string message;
  };

  // Parses a selector object; on an invalid one returns nullopt and fills
  // *error. An empty selector ({}) matches everything.
  static std::optional<LabelSelector> parse(const value::Value& selector, ParseError* error);

  // `labels` is the metadata.labels object (or null / absent = no labels).
  bool matches(const value::Value* labels) const;

 private:
  enum class Op { In, NotIn, Exists, DoesNotExist };
  struct Requirement {
    std::string key;
    Op op;
    std::vector<std::string> values;
  };
  std::vector<Requirement> requirements_;
};

// Kubernetes label syntax checks; return an explanation, or "" when valid.
std::string check_label_key(std::string_view key);
std::string check_label_value(std::string_view value);

}  // namespace tollgate::policies
