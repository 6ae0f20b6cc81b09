// yaml.marshal's output: what sigs.k8s.io/yaml.JSONToYAML (gopkg.in/yaml.v2
// underneath) writes for the JSON of a Rego value. Block style, two-space
// indents, sequences inside mappings not indented, empty collections as
// [] and {}, keys in yaml.v2's natural order ("a2" < "a10"), strings plain
// unless they would read back as another type (then double-quoted) or
// unless YAML syntax forbids it (then single- or double-quoted as libyaml
// chooses), multi-line strings as literal blocks, long lines folded at 80
// columns.
#pragma once

#include <string>

#include "rules/value/value.h"

namespace tollgate::rego {

std::string go_yaml_marshal(const value::Value& v);

}  // namespace tollgate::rego
