// YAML in: documents converted to Values the way Kubernetes converts YAML to
// JSON, keeping the line and column of every node for error messages.
//
// Scalars follow the YAML 1.2 core schema (as gator reads files): plain
// true/false, null/~/empty, decimal/0x/0o integers, floats, .inf/.nan; `yes`,
// `no`, `on`, `off` stay strings; quoted scalars are always strings. Mapping
// keys become strings. Anchors and aliases are resolved.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::value {

struct SourceLocation {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
};

// Locations of the nodes of one document, by JSON pointer ("" is the root,
// "/spec/targets/0/rego").
class SourceMap {
 public:
  void set(std::string pointer, SourceLocation loc) { at_[std::move(pointer)] = loc; }
  // The location of the pointer, or of its nearest ancestor that has one.
  SourceLocation find(std::string_view pointer) const;

 private:
  std::unordered_map<std::string, SourceLocation> at_;
};

struct YamlDocument {
  Value value;
  SourceMap locations;
  int first_line = 1;  // line where the document starts
};

struct YamlError {
  std::string message;
  SourceLocation location;
};

// Parses every document of a multi-document stream. Empty documents (only
// comments or blank) are skipped. Returns false and fills *error on a syntax
// error.
bool parse_yaml(std::string_view text, std::vector<YamlDocument>* out, YamlError* error);

// Reads a file holding YAML or JSON (JSON is YAML) into documents.
bool load_yaml_file(const std::string& path, std::vector<YamlDocument>* out, YamlError* error);

// Appends "/<escaped token>" to a JSON pointer (RFC 6901 escaping).
std::string pointer_append(std::string_view base, std::string_view token);
std::string pointer_append(std::string_view base, size_t index);

}  // namespace tollgate::value
