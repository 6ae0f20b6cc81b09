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
  void reserve(size_t n) { at_.reserve(n); }
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
  // The line go-yaml's decoder puts in its message ("yaml: line N: ..."),
  // which is not always `location`'s: 0-based for parser errors, and none (0)
  // for errors it reports without one (reader errors, aliasing, depth).
  int go_yaml_line = 0;
};

// The deepest nesting of collections a document may have. Alias expansion
// is held to it as well.
constexpr int kMaxYamlDepth = 498;

// Parses every document of a multi-document stream. Aliases and `<<` merges
// expand under go-yaml's budget: a document that expands mostly from aliases
// is refused as "document contains excessive aliasing". Empty documents (only
// comments or blank) are skipped. Returns false and fills *error on a syntax
// error.
bool parse_yaml(std::string_view text, std::vector<YamlDocument>* out, YamlError* error);

// The largest file load_yaml_file reads unless told otherwise (10 MiB): a
// policy file is a few KB, and converting one costs ~100x its size.
constexpr size_t kDefaultMaxYamlFileBytes = size_t{10} << 20;

// The limit load_yaml_file applies when given none: kDefaultMaxYamlFileBytes
// unless --max-policy-file-bytes set it (before any file is read; 0 there
// means none, stored as SIZE_MAX).
size_t& max_yaml_file_bytes();

// Reads a file holding YAML or JSON (JSON is YAML) into documents. A file
// over max_bytes (0: max_yaml_file_bytes()) is refused before it is parsed:
// "file is N bytes, over the limit of M bytes (--max-policy-file-bytes)".
bool load_yaml_file(const std::string& path, std::vector<YamlDocument>* out, YamlError* error,
                    size_t max_bytes = 0);
// The same, keeping the text read in *text (for readers that point into it).
bool load_yaml_file(const std::string& path, std::string* text, std::vector<YamlDocument>* out, YamlError* error);

// Appends "/<escaped token>" to a JSON pointer (RFC 6901 escaping).
std::string pointer_append(std::string_view base, std::string_view token);
std::string pointer_append(std::string_view base, size_t index);

}  // namespace tollgate::value
