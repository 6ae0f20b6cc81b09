// Real-world Rego: every ConstraintTemplate of the gatekeeper-library and
// every module and query of the OPA conformance cases must parse.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "rules/rego/parser_test_support.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

namespace tollgate::rego {
namespace {

namespace fs = std::filesystem;
using namespace testing;

const std::string kShared = TOLLGATE_SHARED_DIR;

std::vector<fs::path> files_under(const fs::path& root, std::string_view extension, std::string_view name = "") {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != extension) continue;
    if (!name.empty() && entry.path().filename() != name) continue;
    out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Rego sources of a template: the legacy `rego` and `libs` of each target and
// of each `code` entry with engine Rego.
void collect_template_rego(const value::Value& tmpl, std::vector<std::string>* out) {
  const value::Value* targets = tmpl.path({"spec", "targets"});
  if (!targets || !targets->is_array()) return;
  auto add_source = [&](const value::Value& source) {
    if (const value::Value* rego = source.find("rego"); rego && rego->is_string()) out->push_back(rego->as_string());
    if (const value::Value* libs = source.find("libs"); libs && libs->is_array()) {
      for (const auto& lib : libs->items()) out->push_back(lib.as_string());
    }
  };
  for (const auto& target : targets->items()) {
    add_source(target);
    if (const value::Value* code = target.find("code"); code && code->is_array()) {
      for (const auto& c : code->items()) {
        if (c["engine"].string_or("") != "Rego") continue;
        if (const value::Value* source = c.find("source")) add_source(*source);
      }
    }
  }
}

TEST_CASE("parser corpus: every gatekeeper-library template parses", "[parser][corpus]") {
  const auto templates = files_under(kShared + "/testdata/gatekeeper-library/library", ".yaml", "template.yaml");
  CHECK(templates.size() == 49);
  size_t modules = 0;
  std::vector<std::string> failures;
  for (const auto& path : templates) {
    std::vector<value::YamlDocument> docs;
    value::YamlError yaml_error;
    INFO(path.string());
    REQUIRE(value::load_yaml_file(path.string(), &docs, &yaml_error));
    REQUIRE(docs.size() == 1);
    std::vector<std::string> sources;
    collect_template_rego(docs[0].value, &sources);
    CHECK_FALSE(sources.empty());
    for (const auto& text : sources) {
      ++modules;
      ParseResult r = parse_module_any(path.string(), text);
      if (!r.module) {
        failures.push_back(path.string() + "\n" + errors_text(r.errors));
        continue;
      }
      // The library is v0 Rego: the v1 attempt must fail and v0 succeed.
      CHECK(r.module->version == RegoVersion::V0);
      CHECK_FALSE(r.module->rules.empty());
    }
  }
  std::cout << "gatekeeper-library: " << modules - failures.size() << "/" << modules << " Rego modules parse\n";
  for (const auto& f : failures) std::cout << "  FAILED " << f;
  CHECK(failures.empty());
  CHECK(modules > 49);  // the templates plus their libs
}

struct Tally {
  size_t total = 0;
  std::vector<std::string> failures;

  void parse_module_text(const std::string& where, const std::string& text, RegoVersion version) {
    ++total;
    ParseResult r = parse_module(where, text, version);
    if (!r.module) failures.push_back(where + "\n" + errors_text(r.errors));
  }
  void parse_query_text(const std::string& where, const std::string& text, RegoVersion version) {
    ++total;
    std::vector<Error> errors;
    if (!parse_query(text, version, errors, where)) failures.push_back(where + "\n" + errors_text(errors));
  }
  void add_case(const std::string& file, const value::Value& c, RegoVersion version) {
    const std::string note = std::string(c["note"].string_or("?"));
    if (const value::Value* modules = c.find("modules"); modules && modules->is_array()) {
      for (const auto& m : modules->items()) parse_module_text(file + " [" + note + "]", m.as_string(), version);
    }
    if (const value::Value* q = c.find("query"); q && q->is_string()) {
      parse_query_text(file + " [" + note + "] query", q->as_string(), version);
    }
  }
  // Prints the count and the failures; true when at least 99% parse.
  bool report(const std::string& what) const {
    std::cout << what << ": " << total - failures.size() << "/" << total << " modules and queries parse\n";
    for (const auto& f : failures) std::cout << "  FAILED " << f;
    return total > 0 && (total - failures.size()) * 100 >= total * 99;
  }
};

TEST_CASE("parser corpus: OPA conformance cases (JSON, v1) parse", "[parser][corpus]") {
  Tally tally;
  const auto files = files_under(kShared + "/testdata/opa-cases-json/v1", ".json");
  CHECK(files.size() > 1000);
  for (const auto& path : files) {
    value::Value doc;
    value::JsonError error;
    INFO(path.string());
    REQUIRE(value::parse_json(read_file(path), &doc, &error));
    for (const auto& c : doc["cases"].items()) tally.add_case(path.filename().string(), c, RegoVersion::V1);
  }
  CHECK(tally.total > 3000);
  CHECK(tally.report("opa-cases-json/v1"));
  CHECK(tally.failures.empty());
}

TEST_CASE("parser corpus: OPA conformance cases (YAML) parse as their version", "[parser][corpus]") {
  for (auto [dir, version] : {std::pair{"v0", RegoVersion::V0}, std::pair{"v1", RegoVersion::V1}}) {
    Tally tally;
    for (const auto& path : files_under(kShared + "/testdata/opa-cases-yaml/" + dir, ".yaml")) {
      std::vector<value::YamlDocument> docs;
      value::YamlError error;
      INFO(path.string());
      REQUIRE(value::load_yaml_file(path.string(), &docs, &error));
      for (const auto& d : docs) {
        const value::Value* cases = d.value.find("cases");
        if (!cases || !cases->is_array()) continue;  // kustomization files and the like
        for (const auto& c : cases->items()) tally.add_case(path.filename().string(), c, version);
      }
    }
    CHECK(tally.total > 10);
    CHECK(tally.report(std::string("opa-cases-yaml/") + dir));
    CHECK(tally.failures.empty());
  }
}

}  // namespace
}  // namespace tollgate::rego
