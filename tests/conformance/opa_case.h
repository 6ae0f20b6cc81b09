// OPA's Rego conformance cases (rego-notes.md §9) as read from the shared
// test data: the JSON copy of OPA's v1 cases (../shared/testdata/opa-cases-json)
// and the YAML subset, v0 and v1 (../shared/testdata/opa-cases-yaml).
//
// Each case gets a stable id, `<source>/<file path>: <note>`, because notes
// alone repeat (up to nine times in one file); a note repeated inside one
// file gets ` [2]`, ` [3]`... on its later occurrences.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/rego/ast.h"
#include "rules/value/json.h"
#include "rules/value/value.h"
#include "rules/value/yaml.h"

namespace tollgate::conformance {

using value::Value;

struct OpaCase {
  std::string id;        // unique, see above
  std::string category;  // the case file's folder: "aggregates"; YAML cases: "yaml/v0/negation"
  std::string file;      // path of the case file, for messages
  rego::RegoVersion version = rego::RegoVersion::V1;

  std::string note;
  std::string query;
  std::vector<std::string> modules;
  Value data;                          // null: no base documents
  std::optional<Value> input;          // JSON input
  std::optional<std::string> input_term;  // input as Rego term text
  std::optional<Value> want_result;    // array of rows (objects var -> value)
  std::optional<std::string> want_error_code;
  std::optional<std::string> want_error;  // substring of the error text
  std::optional<bool> want_defined;
  bool sort_bindings = false;
  bool strict_error = false;
  bool ignore_generated_vars = false;

  // Why the runner cannot run this case as OPA would (unknown keys, bad
  // shapes); empty when it can.
  std::string skip_reason;
};

// Keys that only matter to swift-opa's IR planner (the JSON copy adds them).
inline bool is_planner_key(const std::string& key) {
  return key == "entrypoints" || key == "plan" || key == "want_plan_result" || key == "ignore";
}

inline std::optional<std::string> optional_string(const Value& c, std::string_view key, std::string& problem) {
  const Value* v = c.find(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    problem = std::string(key) + " is not a string";
    return std::nullopt;
  }
  return v->as_string();
}

inline bool flag(const Value& c, std::string_view key, std::string& problem) {
  const Value* v = c.find(key);
  if (v == nullptr || v->is_null()) return false;
  if (!v->is_bool()) {
    problem = std::string(key) + " is not a boolean";
    return false;
  }
  return v->as_bool();
}

// One case from its map in a case file.
inline OpaCase read_opa_case(const Value& c) {
  OpaCase out;
  std::string problem;
  static const std::set<std::string> kKnownKeys = {
      "note",          "query",         "modules",         "data",         "input",
      "input_term",    "want_result",   "want_error_code", "want_error",   "want_defined",
      "sort_bindings", "strict_error",  "ignore_generated_vars"};
  std::vector<std::string> unknown;
  for (const auto& [key, v] : c.entries()) {
    const std::string k = key.is_string() ? key.as_string() : value::to_json(key);
    if (!kKnownKeys.count(k) && !is_planner_key(k)) unknown.push_back(k);
  }
  out.note = optional_string(c, "note", problem).value_or("");
  out.query = optional_string(c, "query", problem).value_or("");
  if (const Value* m = c.find("modules"); m != nullptr && !m->is_null()) {
    if (!m->is_array()) problem = "modules is not a list";
    else
      for (const Value& text : m->items()) {
        if (text.is_string()) out.modules.push_back(text.as_string());
        else problem = "a module is not a string";
      }
  }
  if (const Value* d = c.find("data")) out.data = *d;
  if (!out.data.is_null() && !out.data.is_object()) problem = "data is not an object";
  if (const Value* i = c.find("input"); i != nullptr && !i->is_null()) out.input = *i;
  out.input_term = optional_string(c, "input_term", problem);
  if (const Value* w = c.find("want_result"); w != nullptr && !w->is_null()) {
    out.want_result = *w;
    if (!w->is_array()) problem = "want_result is not a list";
    else
      for (const Value& row : w->items())
        if (!row.is_object()) problem = "a want_result row is not a map";
  }
  out.want_error_code = optional_string(c, "want_error_code", problem);
  out.want_error = optional_string(c, "want_error", problem);
  if (const Value* d = c.find("want_defined"); d != nullptr && !d->is_null()) {
    if (d->is_bool()) out.want_defined = d->as_bool();
    else problem = "want_defined is not a boolean";
  }
  out.sort_bindings = flag(c, "sort_bindings", problem);
  out.strict_error = flag(c, "strict_error", problem);
  out.ignore_generated_vars = flag(c, "ignore_generated_vars", problem);

  if (!unknown.empty()) {
    std::string keys;
    for (const auto& k : unknown) keys += (keys.empty() ? "" : ", ") + k;
    out.skip_reason = "unknown keys: " + keys;
  } else if (!problem.empty()) {
    out.skip_reason = problem;
  } else if (out.query.empty()) {
    out.skip_reason = "no query";
  } else if (!out.want_result && !out.want_error_code && !out.want_error && !out.want_defined) {
    out.skip_reason = "no expectation (want_result, want_error_code, want_error or want_defined)";
  }
  return out;
}

struct OpaCaseSource {
  std::string root;    // directory holding the versioned folders
  std::string prefix;  // id/category prefix: "json" or "yaml"
  bool yaml = false;   // parse files as YAML (else JSON, whatever their suffix)
};

struct LoadedCases {
  std::vector<OpaCase> cases;
  std::vector<std::string> errors;  // unreadable files
};

// Reads every case file below <root>/<version>/ (sorted, so ids and output
// are stable).
inline void load_opa_cases(const OpaCaseSource& source, const std::string& version_dir, rego::RegoVersion version,
                           LoadedCases& out) {
  namespace fs = std::filesystem;
  const fs::path base = fs::path(source.root) / version_dir;
  if (!fs::is_directory(base)) {
    out.errors.push_back(base.string() + ": no such directory");
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(base)) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext == ".json" || ext == ".yaml" || ext == ".yml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    const std::string rel = fs::relative(path, base).generic_string();
    const std::string shown = source.prefix + "/" + version_dir + "/" + rel;
    std::vector<Value> documents;
    if (source.yaml) {
      std::vector<value::YamlDocument> docs;
      value::YamlError error;
      if (!value::load_yaml_file(path.string(), &docs, &error)) {
        out.errors.push_back(shown + ":" + std::to_string(error.location.line) + ": " + error.message);
        continue;
      }
      for (auto& d : docs) documents.push_back(d.value);
    } else {
      std::ifstream in(path, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      Value doc;
      value::JsonError error;
      if (!value::parse_json(text, &doc, &error)) {
        out.errors.push_back(shown + ": offset " + std::to_string(error.offset) + ": " + error.message);
        continue;
      }
      documents.push_back(doc);
    }
    const std::string folder = fs::path(rel).has_parent_path() ? fs::path(rel).begin()->string() : "";
    std::string category = source.prefix == "json" ? folder : source.prefix + "/" + version_dir + "/" + folder;
    std::map<std::string, int> seen_notes;
    bool any = false;
    for (const Value& doc : documents) {
      const Value* cases = doc.find("cases");
      if (cases == nullptr || !cases->is_array()) continue;
      any = true;
      for (const Value& c : cases->items()) {
        OpaCase oc = c.is_object() ? read_opa_case(c) : OpaCase{};
        if (!c.is_object()) oc.skip_reason = "case is not a map";
        oc.category = category;
        oc.file = shown;
        oc.version = version;
        const int n = ++seen_notes[oc.note];
        oc.id = shown + ": " + oc.note + (n > 1 ? " [" + std::to_string(n) + "]" : "");
        out.cases.push_back(std::move(oc));
      }
    }
    if (!any) out.errors.push_back(shown + ": no `cases` list");
  }
}

}  // namespace tollgate::conformance
