// Reading Kubernetes objects the way gator reads its inputs: YAML (1.2) or
// JSON files, several documents per file, blank documents skipped; every
// document must be an object with a kind.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rules/value/value.h"
#include "rules/value/yaml.h"

namespace tollgate::policies::gator {

using value::Value;

struct SourcedObject {
  SourcedObject() = default;
  SourcedObject(Value object, std::string file, int line = 0, int column = 0)
      : object(std::move(object)), file(std::move(file)), line(line), column(column) {}

  Value object;
  std::string file;  // where it was read from ("-" for stdin)
  int line = 0;      // where the object starts (its first key or brace, after any "---"), 1-based; 0: unknown
  int column = 0;    // 1-based, in Unicode code points; 0: unknown
  // A List (kind "List" or "<Kind>List" with an items array): where each
  // item starts, parallel to items; empty when not a List or not known.
  std::vector<value::SourceLocation> item_locations;
};

// Whether `object` is a List whose items unwrap_lists-style readers take apart.
bool is_list_object(const Value& object);

// Parses every document of `text` (named `file` in errors).
bool read_objects_text(std::string_view text, const std::string& file, std::vector<SourcedObject>* out,
                       std::string* error);
bool read_objects_file(const std::string& path, std::vector<SourcedObject>* out, std::string* error);

// YAML files already read and parsed, by lexically normal path: verify parses
// every file of a tree to find its suites, and its tests then read their
// templates, constraints and objects from here instead of parsing them again.
class ParsedYamlFiles {
 public:
  struct File {
    std::string text;
    std::vector<value::YamlDocument> documents;
  };
  void add(const std::string& path, File file);
  const File* find(const std::string& path) const;

 private:
  std::unordered_map<std::string, File> files_;
};

// read_objects_file, from `parsed` when it holds the file (nullptr: none).
bool read_objects_file(const std::string& path, std::vector<SourcedObject>* out, std::string* error,
                       const ParsedYamlFiles* parsed);

// The Namespace (core v1) among `objects` that `object` lives in, by its
// metadata.namespace; null when absent or when `object` is cluster-scoped.
Value namespace_among(const std::vector<SourcedObject>& objects, const Value& object);

// The files a `-f` argument names: the file itself, or every .yaml/.yml/.json
// file below a directory (walked recursively, in sorted order), as
// policies::list_policy_files lists them. A file named directly must end in
// one of those extensions too ("path \"x\" must be of extensions: [...]").
bool list_input_files(const std::string& path, std::vector<std::string>* files, std::string* error);

}  // namespace tollgate::policies::gator
