// The values of rego.metadata.chain() and rego.metadata.rule(), given a
// module's METADATA annotations (OPA ast/annotations.go and the annotation
// reading in ast/parser.go). The parser finds the comment blocks and the
// compiler replaces the calls by these values; this file reads a block's
// YAML as OPA does and orders the chain as OPA's AnnotationSet.Chain does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::rego {

// One METADATA block: `yaml` is the comment text after the "METADATA" line
// with each line's leading "#" (and one space) removed; `default_scope` is
// "rule" for a block above a rule (or "document" when it sets entrypoint)
// and "package" above a package. Returns the annotations object OPA gives
// Rego (scope, title, description, entrypoint, organizations,
// related_resources, authors, schemas, custom), or nullopt with OPA's
// message in *error.
std::optional<value::Value> parse_annotation_block(std::string_view yaml, std::string_view default_scope,
                                                   std::string* error);

// What OPA's AnnotationSet knows about one rule. Paths are below `data`.
struct RuleAnnotations {
  std::vector<value::Value> rule_path;      // the ground prefix of the rule's path: ["testing", "p"]
  std::vector<value::Value> rule_scope;     // scope "rule" blocks of this rule, closest to it first
  std::optional<value::Value> document;     // the scope "document" block for rule_path
  std::vector<value::Value> package_path;   // ["testing"]
  std::optional<value::Value> package;      // the scope "package" block of the package
  // scope "subpackages" blocks of the package and its ancestors, closest first.
  std::vector<std::pair<std::vector<value::Value>, value::Value>> subpackages;
};

// rego.metadata.chain(): [{"path": [...], "annotations": {...}}, ...] — the
// rule's own entries (one without annotations when it has none), then the
// document, package and subpackages entries.
value::Value metadata_chain(const RuleAnnotations& a);
// rego.metadata.rule(): the closest rule-scope block, else {} (OPA's
// getPrimaryRuleAnnotations looks at the rule scope only).
value::Value metadata_rule(const RuleAnnotations& a);

}  // namespace tollgate::rego
