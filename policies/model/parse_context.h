// Where a policy object came from and how to report what is wrong with it:
// every load error names the file, the line and column of the offending
// field (looked up by JSON pointer in the document's source map), and what
// is wrong.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policies/policy_set.h"
#include "rules/value/yaml.h"

namespace tollgate::policies {

// The origin of one object: its file and the locations of its nodes. An
// object unwrapped from a `List` keeps the list document's locations and the
// pointer of its item as base.
class ObjectOrigin {
 public:
  ObjectOrigin() = default;
  ObjectOrigin(std::string file, std::shared_ptr<const value::SourceMap> locations, std::string base_pointer = "")
      : file_(std::move(file)), locations_(std::move(locations)), base_pointer_(std::move(base_pointer)) {}

  const std::string& file() const { return file_; }
  // A load error located at `pointer` (relative to this object).
  LoadError error_at(std::string_view pointer, std::string message) const;

 private:
  std::string file_;
  std::shared_ptr<const value::SourceMap> locations_;
  std::string base_pointer_;
};

// Collects the load errors of one object; parsers report into it and keep
// going, so one load shows every problem at once.
class ParseContext {
 public:
  ParseContext(const ObjectOrigin& origin, std::vector<LoadError>& errors, std::vector<LoadError>* warnings = nullptr)
      : origin_(origin), errors_(errors), warnings_(warnings) {}

  void error(std::string_view pointer, std::string message) { errors_.push_back(origin_.error_at(pointer, std::move(message))); }
  // An error whose location was computed by the caller (e.g. inside embedded code).
  void error(LoadError e) { errors_.push_back(std::move(e)); }
  // Something loads but will not behave as its author may expect; dropped
  // when the caller collects no warnings.
  void warning(std::string_view pointer, std::string message) {
    if (warnings_ != nullptr) warnings_->push_back(origin_.error_at(pointer, std::move(message)));
  }
  size_t error_count() const { return errors_.size(); }
  const ObjectOrigin& origin() const { return origin_; }

 private:
  const ObjectOrigin& origin_;
  std::vector<LoadError>& errors_;
  std::vector<LoadError>* warnings_;
};

// Checked field access for policy objects. A field that is absent or null is
// "not set"; a field of the wrong type is reported and treated as not set.
namespace fields {

// The string at obj[key], or empty when not set; reports a non-string.
std::string_view string_field(const value::Value& obj, std::string_view key, std::string_view obj_pointer,
                              ParseContext& ctx);
// The array at obj[key], or nullptr when not set; reports a non-array.
const value::Value* array_field(const value::Value& obj, std::string_view key, std::string_view obj_pointer,
                                ParseContext& ctx);
// The object at obj[key], or nullptr when not set; reports a non-object.
const value::Value* object_field(const value::Value& obj, std::string_view key, std::string_view obj_pointer,
                                 ParseContext& ctx);
// Every string of the array at obj[key]; reports non-string items.
std::vector<std::string> string_list_field(const value::Value& obj, std::string_view key,
                                           std::string_view obj_pointer, ParseContext& ctx);

}  // namespace fields

// The API group of an apiVersion: "" for "v1" (core), "apps" for "apps/v1".
std::string_view api_group_of(std::string_view api_version);
// The version part of an apiVersion: "v1" for "apps/v1" and for "v1".
std::string_view api_version_of(std::string_view api_version);

}  // namespace tollgate::policies
