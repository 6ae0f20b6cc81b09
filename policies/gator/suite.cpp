#include "policies/gator/suite.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "policies/gator/review_builder.h"
#include "policies/model/loader.h"
#include "rules/value/yaml.h"

namespace tollgate::policies::gator {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSuiteGroup = "test.gatekeeper.sh";
constexpr const char* kSuiteKind = "Suite";

// Reads typed fields of one YAML mapping, recording the first type error
// with the field's path.
class FieldReader {
 public:
  FieldReader(const Value& object, std::string where, std::string* error)
      : object_(object), where_(std::move(where)), error_(error) {}

  bool string(std::string_view key, std::string* out) {
    const Value* v = object_.find(key);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_string()) return fail(key, "a string");
    *out = v->as_string();
    return true;
  }
  bool optional_string(std::string_view key, std::optional<std::string>* out) {
    const Value* v = object_.find(key);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_string()) return fail(key, "a string");
    *out = v->as_string();
    return true;
  }
  bool boolean(std::string_view key, bool* out) {
    const Value* v = object_.find(key);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_bool()) return fail(key, "a boolean");
    *out = v->as_bool();
    return true;
  }
  bool list(std::string_view key, const std::vector<Value>** out) {
    static const std::vector<Value> kEmpty;
    *out = &kEmpty;
    const Value* v = object_.find(key);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_array()) return fail(key, "a list");
    *out = &v->items();
    return true;
  }
  std::string child(std::string_view key, size_t index) const {
    return where_ + "." + std::string(key) + "[" + std::to_string(index) + "]";
  }

 private:
  bool fail(std::string_view key, const char* expected) {
    *error_ = "invalid yaml: " + where_ + "." + std::string(key) + " must be " + expected;
    return false;
  }

  const Value& object_;
  std::string where_;
  std::string* error_;
};

bool not_a_mapping(const std::string& where, std::string* error) {
  *error = "invalid yaml: " + where + " must be a mapping";
  return false;
}

bool parse_assertion(const Value& v, const std::string& where, Assertion* out, std::string* error) {
  if (!v.is_object()) return not_a_mapping(where, error);
  if (const Value* violations = v.find("violations")) out->violations = *violations;
  return FieldReader(v, where, error).optional_string("message", &out->message);
}

bool parse_case(const Value& v, const std::string& where, Case* out, std::string* error) {
  if (!v.is_object()) return not_a_mapping(where, error);
  FieldReader fields(v, where, error);
  const std::vector<Value>* inventory = nullptr;
  const std::vector<Value>* assertions = nullptr;
  if (!fields.string("name", &out->name) || !fields.string("object", &out->object) ||
      !fields.boolean("skip", &out->skip) || !fields.list("inventory", &inventory) ||
      !fields.list("assertions", &assertions)) {
    return false;
  }
  for (size_t i = 0; i < inventory->size(); ++i) {
    const Value& item = (*inventory)[i];
    if (!item.is_string()) {
      *error = "invalid yaml: " + fields.child("inventory", i) + " must be a string";
      return false;
    }
    out->inventory.push_back(item.as_string());
  }
  for (size_t i = 0; i < assertions->size(); ++i) {
    Assertion assertion;
    if (!parse_assertion((*assertions)[i], fields.child("assertions", i), &assertion, error)) return false;
    out->assertions.push_back(std::move(assertion));
  }
  return true;
}

bool parse_test(const Value& v, const std::string& where, Test* out, std::string* error) {
  if (!v.is_object()) return not_a_mapping(where, error);
  FieldReader fields(v, where, error);
  const std::vector<Value>* cases = nullptr;
  if (!fields.string("name", &out->name) || !fields.string("template", &out->template_path) ||
      !fields.string("constraint", &out->constraint_path) || !fields.string("expansion", &out->expansion_path) ||
      !fields.string("policy", &out->policy_path) ||
      !fields.boolean("invalid", &out->invalid) || !fields.boolean("skip", &out->skip) ||
      !fields.list("cases", &cases)) {
    return false;
  }
  for (size_t i = 0; i < cases->size(); ++i) {
    Case c;
    if (!parse_case((*cases)[i], fields.child("cases", i), &c, error)) return false;
    out->cases.push_back(std::move(c));
  }
  return true;
}

bool is_suite_document(const Value& doc) {
  GroupVersionKind gvk = gvk_of(doc);
  return gvk.group == kSuiteGroup && gvk.kind == kSuiteKind;
}

bool is_suite_extension(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }

// Reads one file; leaves *suite empty-pathed when the file is not a Suite.
bool read_suite_file(const fs::path& file, Suite* suite, bool* is_suite, std::string* error,
                     ParsedYamlFiles* parsed) {
  *is_suite = false;
  std::string text;
  std::vector<value::YamlDocument> documents;
  value::YamlError yaml_error;
  if (!value::load_yaml_file(file.string(), &text, &documents, &yaml_error)) {
    *error = "invalid yaml: parsing yaml file \"" + file.string() + "\": line " +
             std::to_string(yaml_error.location.line) + ": " + yaml_error.message;
    return false;
  }
  if (documents.empty() || !is_suite_document(documents.front().value)) {
    if (parsed) parsed->add(file.string(), ParsedYamlFiles::File{std::move(text), std::move(documents)});
    return true;
  }
  *is_suite = true;
  if (!parse_suite(documents.front().value, suite, error)) {
    *error += " (in " + file.string() + ")";
    return false;
  }
  return true;
}

}  // namespace

bool parse_suite(const Value& document, Suite* suite, std::string* error) {
  if (!document.is_object()) return not_a_mapping("suite", error);
  FieldReader fields(document, "suite", error);
  const std::vector<Value>* tests = nullptr;
  if (!fields.boolean("skip", &suite->skip) || !fields.list("tests", &tests)) return false;
  for (size_t i = 0; i < tests->size(); ++i) {
    Test test;
    if (!parse_test((*tests)[i], fields.child("tests", i), &test, error)) return false;
    suite->tests.push_back(std::move(test));
  }
  return true;
}

bool read_suites(const std::string& target, std::vector<Suite>* suites, std::string* error, ParsedYamlFiles* parsed) {
  if (target.empty()) {
    *error = "target not specified";
    return false;
  }
  bool recursive = false;
  std::string named = target;  // how output names paths: the argument without "..."
  if (named.size() >= 4 && named.compare(named.size() - 4, 4, "/...") == 0) {
    recursive = true;
    named.resize(named.size() - 3);
  }
  std::string stat_path = named;
  while (stat_path.size() > 1 && stat_path.back() == '/') stat_path.pop_back();
  fs::path root = fs::absolute(fs::path(stat_path)).lexically_normal();
  std::error_code ec;
  fs::file_status status = fs::status(root, ec);
  if (ec || !fs::exists(status)) {
    *error = "stat " + named + ": no such file or directory";
    return false;
  }

  // (absolute path, display path) of every candidate file.
  std::vector<std::pair<fs::path, std::string>> files;
  std::string prefix = named;
  if (!prefix.empty() && prefix.back() != '/') prefix.push_back('/');
  if (!fs::is_directory(status)) {
    if (recursive) {
      *error = "can only recursively traverse directories, not a directory: \"" + stat_path + "\"";
      return false;
    }
    if (!is_suite_extension(root)) {
      *error = "unsupported extension: \"" + root.extension().string() + "\"";
      return false;
    }
    files.emplace_back(root, target);
  } else if (!recursive) {
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file() && is_suite_extension(it->path())) {
        files.emplace_back(it->path(), prefix + it->path().filename().string());
      }
    }
  } else {
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      // A mounted ConfigMap's hidden copies: its suites are reached through the top-level links.
      if (is_atomic_writer_entry(it->path().filename().string())) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && is_suite_extension(it->path())) {
        files.emplace_back(it->path(), prefix + it->path().lexically_relative(root).generic_string());
      }
    }
  }
  if (ec) {
    *error = "reading " + named + ": " + ec.message();
    return false;
  }
  // Go orders suites by their path string ("a-b/" before "a/"), not by path components.
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first.string() < b.first.string(); });

  for (const auto& [file, display] : files) {
    Suite suite;
    bool is_suite = false;
    if (!read_suite_file(file, &suite, &is_suite, error, parsed)) return false;
    if (!is_suite) continue;
    suite.file_path = file.string();
    suite.display_path = display;
    suites->push_back(std::move(suite));
  }
  return true;
}

}  // namespace tollgate::policies::gator
