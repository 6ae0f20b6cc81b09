// OPA's compiler stages ParseMetadataBlocks, SetAnnotationSet and
// RewriteRegoMetadataCalls (ast/compile.go, ast/annotations.go). When some
// rule calls rego.metadata.chain() or rego.metadata.rule(), the METADATA
// blocks of every module are read (rules/rego/builtins/annotations.h), each
// is attached to the first statement (package, import or rule) on a later
// line, and they are gathered as OPA's AnnotationSet does: rule scope per
// rule, package scope per package path, document and subpackages scope per
// path. Each call is then replaced by its value, a constant: the rule's chain
// or its closest rule-scope block ({} without one). An `else` clause is a
// rule of its own to OPA, with no rule-scope blocks.
//
// Errors, in OPA's words: a block's YAML (rego_parse_error), a scope on the
// wrong statement ("annotation scope 'package' must be applied to package
// (have rule)"), an unknown scope ("invalid annotation scope 'x'"), and a
// package, document or subpackages block declared twice (rego_type_error
// "package annotation redeclared: a.rego:1"). Modules that nothing calls
// rego.metadata.* from are not read at all, as in OPA.
#pragma once

#include <vector>

#include "rules/rego/ast.h"

namespace tollgate::rego::compiler {

void rewrite_rego_metadata_calls(std::vector<Module>& modules, std::vector<Error>& errors);

}  // namespace tollgate::rego::compiler
