// The subset of Go's text/template that strings.render_template runs:
//
//   text, {{.field.sub}}, {{.}}, {{$}}, {{$var.field}}, {{/* comments */}},
//   trim markers {{- and -}}, literals (strings, raw strings, numbers,
//   true/false/nil), pipelines with |, parenthesised pipelines,
//   {{$x := pipeline}} / {{$x = pipeline}},
//   {{if}} / {{else if}} / {{else}} / {{end}}, {{with}} / {{else}},
//   {{range pipeline}}, {{range $v := ...}}, {{range $i, $v := ...}} over
//   arrays, objects (sorted keys) and integers, with {{else}};
//   functions and or not eq ne lt le gt ge len index print println.
//
// Values print as Go prints the decoded JSON (arrays "[a b]", objects
// "map[k:v]", null "<no value>"); a key missing from an object prints
// "<undefined>" (OPA's behaviour). Not supported: printf and the other
// functions (slice, html, js, urlquery, call), define/template/block,
// break/continue.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/value/value.h"

namespace tollgate::rego {

// The rendered text, or nullopt with *error set (parse or execution error,
// in Go's "template: ..." form).
std::optional<std::string> render_go_template(std::string_view text, const value::Value& data, std::string* error);

}  // namespace tollgate::rego
