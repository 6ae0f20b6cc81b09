// The test cases of ../shared/spec/vap-semantics.md §8, read from the spec
// itself: the §8.1 base objects, then each section's YAML block of cases,
// each case (and each of its variants) resolved per the §8.1 conventions
// into the objects and request it describes. Shared by the VAP runner
// (vap_spec_test.cpp) and the MAP runner.
#pragma once

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "rules/value/value.h"
#include "rules/value/yaml.h"
#include "tests/conformance/known_failures.h"

namespace tollgate::conformance::vap_spec {

using value::Value;

// The §8.1 bases, in the order the spec gives them.
struct Bases {
  Value vap, vap_binding, namespaces, kinds, request;
  Value map, map_binding, map_request;
};

// One runnable case: a case with its own `expect`, or one of its variants
// merged over it (ids "V10/1", "V10/2", ...).
struct SpecCase {
  std::string id;
  std::string section;  // "8.2 Validation outcome and messages"
  Value fixture;        // the merged case: policy, binding, request, params, ..., expect
};

struct SpecSection {
  std::string title;  // "8.2 Validation outcome and messages"
  std::vector<SpecCase> cases;
};

struct Spec {
  Bases bases;
  std::vector<SpecSection> sections;
};

namespace detail {

inline std::vector<Value> parse_all(const std::string& text) {
  std::vector<value::YamlDocument> docs;
  value::YamlError error;
  if (!value::parse_yaml(text, &docs, &error)) {
    throw std::runtime_error("spec YAML does not parse: " + error.message + " at line " +
                             std::to_string(error.location.line));
  }
  std::vector<Value> out;
  for (auto& d : docs) out.push_back(d.value);
  return out;
}

// "<5121 × 'x'>" placeholders expanded.
inline Value expand_placeholders(const Value& v) {
  if (v.is_string()) {
    static const std::regex placeholder("<(\\d+) \xC3\x97 '(.)'>");
    std::smatch m;
    const std::string& s = v.as_string();
    if (std::regex_search(s, m, placeholder)) {
      std::string out = m.prefix().str() + std::string(std::stoul(m[1].str()), m[2].str()[0]) + m.suffix().str();
      return Value::string(out);
    }
    return v;
  }
  if (v.is_array()) {
    std::vector<Value> items;
    for (const Value& i : v.items()) items.push_back(expand_placeholders(i));
    return Value::array(std::move(items));
  }
  if (v.is_object()) {
    std::vector<Value::Entry> entries;
    for (const auto& [k, i] : v.entries()) entries.emplace_back(k, expand_placeholders(i));
    return Value::object(std::move(entries));
  }
  return v;
}

}  // namespace detail

// §8.1: maps merge recursively, lists replace, an explicit null deletes the
// key, except object/oldObject whose null is a value.
inline Value deep_merge(const Value& base, const Value& over) {
  if (!base.is_object() || !over.is_object()) return over;
  std::vector<Value::Entry> entries;
  for (const auto& [k, v] : base.entries()) {
    const Value* o = over.find(k);
    if (o == nullptr) {
      entries.emplace_back(k, v);
    } else if (o->is_null()) {
      std::string_view key = k.string_or("");
      if (key == "object" || key == "oldObject") entries.emplace_back(k, Value());
    } else {
      entries.emplace_back(k, deep_merge(v, *o));
    }
  }
  for (const auto& [k, v] : over.entries()) {
    if (base.find(k) != nullptr) continue;
    std::string_view key = k.string_or("");
    if (v.is_null() && key != "object" && key != "oldObject") continue;
    entries.emplace_back(k, v);
  }
  return Value::object(std::move(entries));
}

// A variant over its parent: deep merge, but `expect` replaces.
inline Value merge_variant(const Value& parent, const Value& variant) {
  std::vector<Value::Entry> entries;
  for (const auto& [k, v] : parent.entries()) {
    std::string_view key = k.string_or("");
    if (key == "variants" || key == "expect") continue;
    const Value* o = variant.find(k);
    entries.emplace_back(k, o == nullptr ? v : deep_merge(v, *o));
  }
  for (const auto& [k, v] : variant.entries()) {
    if (parent.find(k) != nullptr && k.string_or("") != "expect") continue;
    entries.emplace_back(k, v);
  }
  return Value::object(std::move(entries));
}

inline Spec load_spec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("spec not found at " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  size_t at = text.find("\n## 8.");
  if (at == std::string::npos) throw std::runtime_error("no §8 in the spec");
  Spec spec;
  std::string section;
  bool first_block = true;
  while (true) {
    size_t heading = text.find("\n### 8.", at);
    size_t fence = text.find("\n```yaml\n", at);
    if (fence == std::string::npos) break;
    if (heading != std::string::npos && heading < fence) {
      size_t end = text.find('\n', heading + 1);
      section = text.substr(heading + 5, end - heading - 5);
      at = end;
      continue;
    }
    size_t body = fence + 9;
    size_t close = text.find("\n```", body);
    std::string block = text.substr(body, close - body);
    at = close + 4;
    if (first_block) {
      first_block = false;
      std::vector<Value> docs = detail::parse_all(block);
      if (docs.size() < 8) throw std::runtime_error("§8.1 has " + std::to_string(docs.size()) + " base documents, want 8");
      spec.bases = {docs[0], docs[1], docs[2], docs[3], docs[4], docs[5], docs[6], docs[7]};
      continue;
    }
    std::vector<Value> docs = detail::parse_all(block);
    SpecSection s;
    s.title = section;
    for (const Value& doc : docs) {
      if (!doc.is_array()) continue;
      for (const Value& raw : doc.items()) {
        Value c = detail::expand_placeholders(raw);
        std::string id(c["id"].string_or("?"));
        if (c.find("expect") != nullptr) s.cases.push_back({id, section, c});
        const Value& variants = c["variants"];
        if (!variants.is_array()) continue;
        for (size_t i = 0; i < variants.items().size(); ++i) {
          s.cases.push_back({id + "/" + std::to_string(i + 1), section, merge_variant(c, variants.items()[i])});
        }
      }
    }
    spec.sections.push_back(std::move(s));
  }
  return spec;
}

// A minimal CustomResourceDefinition for a BASE-KINDS entry, so that the
// engine resolves the kind (and its scope) as the API server would.
inline Value crd_for(const Value& kind) {
  std::string api_version(kind["apiVersion"].string_or(""));
  size_t slash = api_version.find('/');
  std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  value::ObjectBuilder names;
  names.add("kind", kind["kind"]);
  names.add("plural", kind["resource"]);
  value::ObjectBuilder spec;
  spec.add("group", Value::string(group));
  spec.add("names", names.build());
  spec.add("scope", kind["scope"]);
  value::ObjectBuilder v;
  v.add("name", Value::string(version));
  spec.add("versions", Value::array({v.build()}));
  value::ObjectBuilder crd;
  crd.add("apiVersion", Value::string("apiextensions.k8s.io/v1"));
  crd.add("kind", Value::string("CustomResourceDefinition"));
  value::ObjectBuilder metadata;
  metadata.add("name", Value::string(std::string(kind["resource"].string_or("")) + "." + group));
  crd.add("metadata", metadata.build());
  crd.add("spec", spec.build());
  return crd.build();
}

// Runs `run` (an empty string: the case passed, else what differs) over
// the cases of the sections `wanted` keeps; prints a count per section, the
// total, the listed failures and the listed cases that pass now. Returns
// the failures not listed in `known_failures_file`; `total` gets the count.
inline std::vector<std::string> run_sections(const Spec& s, const std::string& heading,
                                             const std::function<bool(const std::string&)>& wanted,
                                             const std::function<std::string(const SpecCase&)>& run,
                                             const std::string& known_failures_file, int* total) {
  const auto known = load_known_failures(std::string(TOLLGATE_SOURCE_DIR) + "/" + known_failures_file);
  const bool verbose = std::getenv("TOLLGATE_VAP_SPEC_VERBOSE") != nullptr;
  int passed = 0;
  *total = 0;
  std::vector<std::string> unexpected, listed_failing, fixed;
  std::cout << heading << "\n";
  for (const SpecSection& section : s.sections) {
    if (!wanted(section.title)) continue;
    int section_passed = 0;
    for (const SpecCase& c : section.cases) {
      std::string diff;
      try {
        diff = run(c);
      } catch (const std::exception& e) {
        diff = std::string("exception: ") + e.what();  // a failed case, counted and shown
      }
      ++*total;
      if (diff.empty()) {
        ++passed;
        ++section_passed;
        if (known.count(c.id)) fixed.push_back(c.id);
        continue;
      }
      std::string detail = c.id + ": " + diff;
      if (verbose) std::cout << "  FAIL " << detail << "\n";
      (known.count(c.id) ? listed_failing : unexpected).push_back(known.count(c.id) ? c.id + "  # " + known.at(c.id) : detail);
    }
    std::cout << "  " << section.title << ": " << section_passed << "/" << section.cases.size() << "\n";
  }
  std::cout << "  total: " << passed << "/" << *total << "\n";
  if (!listed_failing.empty()) {
    std::cout << "  known failures (" << listed_failing.size() << "):"
              << first_lines(listed_failing, 40, "TOLLGATE_VAP_SPEC_VERBOSE") << "\n";
  }
  if (!fixed.empty()) {
    std::cout << "  listed in " << known_failures_file << " but pass now (remove them):";
    for (const auto& id : fixed) std::cout << " " << id;
    std::cout << "\n";
  }
  return unexpected;
}

}  // namespace tollgate::conformance::vap_spec
