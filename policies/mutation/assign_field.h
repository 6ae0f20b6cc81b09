// `parameters.assign` of Assign and AssignMetadata: exactly one of a constant
// `value`, `fromMetadata.field` (the object's namespace or name), or
// `externalData` — which this engine does not support, so it is a load error
// rather than a mutator that would fail every request.
#pragma once

#include <optional>
#include <string>

#include "policies/model/parse_context.h"
#include "policies/mutation/path_mutation.h"
#include "rules/value/value.h"

namespace tollgate::policies::mutation {

class AssignField {
 public:
  enum class Source { Value, MetadataName, MetadataNamespace };

  // Parses spec.parameters.assign of `object`; `who` names the mutator in
  // messages ("Assign foo"). nullopt after reporting errors.
  static std::optional<AssignField> parse(const value::Value& object, const std::string& who, ParseContext& ctx);

  Source source() const { return source_; }
  // The constant value (Source::Value).
  const value::Value& constant() const { return value_; }
  // What gets written into `object`: the constant, or the object's
  // metadata.name / metadata.namespace ("" when unset).
  value::Value resolve(const value::Value& object) const;

 private:
  Source source_ = Source::Value;
  value::Value value_;
};

// Writes a fixed value; the whole element when the location ends in a keyed
// list.
class AssignSetter final : public Setter {
 public:
  explicit AssignSetter(value::Value value) : value_(std::move(value)) {}
  bool set_value(const value::Value* existing, std::optional<value::Value>* out, std::string* error) const override;
  bool keyed_list_okay() const override { return true; }
  bool keyed_list_value(value::Value* out, std::string* error) const override;

 private:
  value::Value value_;
};

}  // namespace tollgate::policies::mutation
