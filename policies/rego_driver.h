// The Rego engine as Gatekeeper drives it (gatekeeper-semantics.md §3): a
// template's Rego and libs compiled once at load time, and per (review,
// constraint) the template's `violation` set evaluated with
// input = {"review": <review>, "parameters": <spec.parameters or {}>} and
// data.inventory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "policies/model/constraint_template.h"
#include "policies/model/parse_context.h"
#include "rules/value/value.h"

namespace tollgate::rego {
class CompiledPolicy;
class DocumentRef;
class SharedInputMemo;
}

namespace tollgate::policies {

// input.review for an AdmissionRequest (§3.2): the request with `object`
// replaced by `oldObject` on DELETE, `oldObject` and `options` present (null
// when absent) and `namespaceObject` (the Namespace, or {} when unknown).
// Its numbers are what Gatekeeper's JSON round trip through float64 makes of
// them (1000000 reads `1e+06`, 2.0 reads `2`), as OPA sees them there.
value::Value rego_review(const value::Value& request, const value::Value* namespace_object);

// The data document Rego templates see: {"inventory": ...} with data.inventory
// (§3.3) of the given objects: cluster[<groupVersion>][<Kind>][<name>] and
// namespace[<ns>][<groupVersion>][<Kind>][<name>].
value::Value inventory_data(const std::vector<value::Value>& objects);

class RegoTemplateProgram {
 public:
  struct Violation {
    std::string message;
    value::Value details;  // {} when the violation has none
  };

  // Compiles the entry module and libs (v0 or v1 per the source; v1 first
  // then v0 for the legacy field, as Gatekeeper parses). Errors are load
  // errors at file:line:col of the Rego inside the template; nullptr then.
  static std::shared_ptr<const RegoTemplateProgram> compile(const RegoSource& source, const std::string& template_name,
                                                            ParseContext& ctx);

  // Appends the violations of one constraint. An evaluation error becomes
  // one violation whose message is the error text (§3.1).
  // `data` is inventory_data(...), built once per review. `memo`, when not
  // null, is one per review, given to every constraint's evaluation: what
  // depends on the review alone is computed once (rules/rego/eval/shared_memo.h).
  void evaluate(const value::Value& review, const value::Value& parameters, const value::Value& data,
                std::vector<Violation>& out, rego::SharedInputMemo* memo = nullptr) const;

 private:
  std::shared_ptr<const rego::CompiledPolicy> policy_;
  // data.<package>.violation in policy_ (declared after it: destroyed first).
  std::shared_ptr<const rego::DocumentRef> violation_;
};

}  // namespace tollgate::policies
