// Reading Kubernetes objects the way gator reads its inputs: YAML (1.2) or
// JSON files, several documents per file, blank documents skipped; every
// document must be an object with a kind.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies::gator {

using value::Value;

struct SourcedObject {
  Value object;
  std::string file;  // where it was read from ("-" for stdin)
  int line = 0;      // first line of its document
};

// Parses every document of `text` (named `file` in errors).
bool read_objects_text(std::string_view text, const std::string& file, std::vector<SourcedObject>* out,
                       std::string* error);
bool read_objects_file(const std::string& path, std::vector<SourcedObject>* out, std::string* error);

// The Namespace (core v1) among `objects` that `object` lives in, by its
// metadata.namespace; null when absent or when `object` is cluster-scoped.
Value namespace_among(const std::vector<SourcedObject>& objects, const Value& object);

// The files a `-f` argument names: the file itself, or every .yaml/.yml/.json
// file below a directory (walked recursively, in sorted order), as
// policies::list_policy_files lists them. A file named directly must end in
// one of those extensions too ("path \"x\" must be of extensions: [...]").
bool list_input_files(const std::string& path, std::vector<std::string>* files, std::string* error);

}  // namespace tollgate::policies::gator
