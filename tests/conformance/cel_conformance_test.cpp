// Runs the cel-spec conformance suite (dumped to JSON by fetch_cel_spec.sh)
// against Environment::standard() and reports pass counts per file.
//
// Every failure must be listed in tests/conformance/cel_known_failures.txt
// (`<file>/<section>/<test name>  # reason`), every listed test must fail,
// and every file must pass at least 95% of the tests it runs. Tests that
// need protobuf messages are counted in each file's total but not run.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "rules/cel/cel.h"
#include "rules/cel/cel_types.h"
#include "rules/cel/function_registry.h"
#include "rules/cel/stdlib.h"
#include "rules/cel/time_util.h"
#include "rules/value/base64.h"
#include "tests/conformance/known_failures.h"

namespace {

using tollgate::cel::CelType;
using tollgate::value::Value;
using json = nlohmann::json;

const std::set<std::string> kSkippedFiles = {"proto2",  "proto3",       "proto2_ext", "enums",     "wrappers",
                                             "dynamic", "math_ext",     "encoders_ext", "block_ext", "bindings_ext"};

struct Unsupported {
  std::string what;
};

Value to_value(const json& j);

Value object_value(const json& any) {
  const std::string type = any.value("@type", "");
  if (type == "type.googleapis.com/google.protobuf.Duration") {
    auto d = tollgate::cel::parse_go_duration(any.at("value").get<std::string>());
    if (!d) throw Unsupported{"bad duration"};
    return tollgate::cel::make_duration(*d);
  }
  if (type == "type.googleapis.com/google.protobuf.Timestamp") {
    int64_t s;
    int32_t n;
    if (!tollgate::cel::parse_rfc3339(any.at("value").get<std::string>(), &s, &n)) throw Unsupported{"bad timestamp"};
    return tollgate::cel::make_timestamp(s, n);
  }
  throw Unsupported{"protobuf message " + type};
}

Value to_value(const json& j) {
  if (j.contains("int64Value")) return Value::integer(std::stoll(j["int64Value"].get<std::string>()));
  if (j.contains("uint64Value")) return Value::uinteger(std::stoull(j["uint64Value"].get<std::string>()));
  if (j.contains("doubleValue")) {
    const auto& d = j["doubleValue"];
    if (d.is_string()) {
      const auto s = d.get<std::string>();
      if (s == "NaN") return Value::number(std::nan(""));
      if (s == "Infinity") return Value::number(INFINITY);
      if (s == "-Infinity") return Value::number(-INFINITY);
      return Value::number(std::stod(s));
    }
    return Value::number(d.get<double>());
  }
  if (j.contains("stringValue")) return Value::string(j["stringValue"].get<std::string>());
  if (j.contains("bytesValue")) {
    std::string out;
    if (!tollgate::value::base64_decode(j["bytesValue"].get<std::string>(), &out)) throw Unsupported{"bad base64"};
    return Value::bytes(out);
  }
  if (j.contains("boolValue")) return Value::boolean(j["boolValue"].get<bool>());
  if (j.contains("nullValue")) return Value::null();
  if (j.contains("listValue")) {
    std::vector<Value> items;
    for (const auto& v : j["listValue"].value("values", json::array())) items.push_back(to_value(v));
    return Value::array(std::move(items));
  }
  if (j.contains("mapValue")) {
    std::vector<Value::Entry> entries;
    for (const auto& e : j["mapValue"].value("entries", json::array()))
      entries.emplace_back(to_value(e.at("key")), to_value(e.at("value")));
    return Value::object(std::move(entries));
  }
  if (j.contains("typeValue")) return tollgate::cel::make_type(j["typeValue"].get<std::string>());
  if (j.contains("objectValue")) return object_value(j["objectValue"]);
  if (j.contains("enumValue")) throw Unsupported{"enum value"};
  throw Unsupported{"value " + j.dump()};
}

CelType to_type(const json& t) {
  if (t.contains("primitive")) {
    const auto p = t["primitive"].get<std::string>();
    if (p == "INT64") return CelType::int_();
    if (p == "UINT64") return CelType::uint_();
    if (p == "DOUBLE") return CelType::double_();
    if (p == "STRING") return CelType::string();
    if (p == "BYTES") return CelType::bytes();
    if (p == "BOOL") return CelType::bool_();
  }
  if (t.contains("listType")) return CelType::list(to_type(t["listType"].value("elemType", json::object())));
  if (t.contains("mapType"))
    return CelType::map(to_type(t["mapType"].value("keyType", json::object())),
                        to_type(t["mapType"].value("valueType", json::object())));
  if (t.contains("messageType")) {
    const auto m = t["messageType"].get<std::string>();
    if (m == "google.protobuf.Duration") return CelType::duration();
    if (m == "google.protobuf.Timestamp") return CelType::timestamp();
  }
  if (t.contains("wellKnown")) {
    const auto w = t["wellKnown"].get<std::string>();
    if (w == "DURATION") return CelType::duration();
    if (w == "TIMESTAMP") return CelType::timestamp();
  }
  if (t.contains("null")) return CelType::null_type();
  if (t.contains("typeParam")) return CelType::param(t["typeParam"].get<std::string>());
  if (t.contains("type")) return CelType::type(to_type(t["type"]));
  if (t.contains("abstractType")) {
    std::vector<CelType> params;
    for (const auto& p : t["abstractType"].value("parameterTypes", json::array())) params.push_back(to_type(p));
    const auto name = t["abstractType"].at("name").get<std::string>();
    if (name == "optional_type" && params.size() == 1) return CelType::optional(params[0]);
    return CelType::opaque(name, std::move(params));
  }
  return CelType::dyn();
}

tollgate::cel::Result not_implemented_here(std::span<const Value>) {
  return tollgate::cel::make_error("declared for type checking only");
}

// An environment with the standard library plus the typeEnv's function
// declarations (used by check-only type deduction tests).
std::shared_ptr<const tollgate::cel::Environment> environment_with(const json& type_env) {
  auto registry = std::make_shared<tollgate::cel::FunctionRegistry>();
  tollgate::cel::register_standard_library(*registry);
  for (const auto& decl : type_env) {
    if (!decl.contains("function")) continue;
    const auto name = decl.at("name").get<std::string>();
    for (const auto& o : decl["function"].value("overloads", json::array())) {
      tollgate::cel::Overload overload;
      overload.function = name;
      overload.id = o.value("overloadId", name);
      overload.style = o.value("isInstanceFunction", false) ? tollgate::cel::CallStyle::Receiver
                                                             : tollgate::cel::CallStyle::Global;
      for (const auto& p : o.value("params", json::array())) overload.args.push_back(to_type(p));
      overload.result = to_type(o.value("resultType", json::object()));
      overload.impl = not_implemented_here;
      overload.pure = false;
      registry->add(std::move(overload));
    }
  }
  return tollgate::cel::Environment::create(registry, false);
}

// Exact equality for expected results: kinds must match (1 is not 1u), NaN equals NaN.
bool same_value(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case tollgate::value::Kind::Double:
      return (std::isnan(a.as_double()) && std::isnan(b.as_double())) || a.as_double() == b.as_double();
    case tollgate::value::Kind::Array: {
      if (a.items().size() != b.items().size()) return false;
      for (size_t i = 0; i < a.items().size(); ++i)
        if (!same_value(a.items()[i], b.items()[i])) return false;
      return true;
    }
    case tollgate::value::Kind::Object: {
      if (a.entries().size() != b.entries().size()) return false;
      for (const auto& [k, v] : a.entries()) {
        bool found = false;
        for (const auto& [k2, v2] : b.entries())
          if (same_value(k, k2)) {
            if (!same_value(v, v2)) return false;
            found = true;
          }
        if (!found) return false;
      }
      return true;
    }
    case tollgate::value::Kind::Opaque:
      return a.as_opaque().type_name() == b.as_opaque().type_name() && a.as_opaque().equals(b.as_opaque());
    default: return a == b;
  }
}

std::string describe(const Value& v) {
  if (v.is_opaque()) return std::string(v.as_opaque().type_name()) + "(" + v.as_opaque().debug_string() + ")";
  if (v.is_array()) {
    std::string s = "[";
    for (const auto& i : v.items()) s += describe(i) + ", ";
    return s + "]";
  }
  if (v.is_object()) {
    std::string s = "{";
    for (const auto& [k, x] : v.entries()) s += describe(k) + ": " + describe(x) + ", ";
    return s + "}";
  }
  std::string kind = tollgate::value::kind_name(v.kind());
  switch (v.kind()) {
    case tollgate::value::Kind::Int: return std::to_string(v.as_int());
    case tollgate::value::Kind::Uint: return std::to_string(v.as_uint()) + "u";
    case tollgate::value::Kind::Double: {
      std::ostringstream o;
      o << v.as_double() << "(double)";
      return o.str();
    }
    case tollgate::value::Kind::String: return "'" + v.as_string() + "'";
    case tollgate::value::Kind::Bytes: return "b'" + v.as_string() + "'";
    case tollgate::value::Kind::Bool: return v.as_bool() ? "true" : "false";
    case tollgate::value::Kind::Null: return "null";
    default: return kind;
  }
}

// Returns an empty string on success, else why the test failed.
std::string run_test(const json& t) {
  tollgate::cel::CompileOptions options;
  tollgate::cel::Activation activation;
  options.container = t.value("container", "");
  options.disable_type_checks = t.value("disableCheck", false);
  std::map<std::string, CelType> declared;
  auto env = tollgate::cel::Environment::standard();
  if (t.contains("typeEnv")) {
    bool has_functions = false;
    for (const auto& decl : t["typeEnv"]) {
      if (decl.contains("function")) {
        has_functions = true;
        continue;
      }
      declared[decl.at("name").get<std::string>()] = to_type(decl["ident"].value("type", json::object()));
    }
    if (has_functions) env = environment_with(t["typeEnv"]);
  }
  std::map<std::string, Value> bound;
  try {
    if (t.contains("bindings"))
      for (const auto& [name, b] : t["bindings"].items()) bound[name] = to_value(b.at("value"));
  } catch (const Unsupported& u) {
    return "unsupported binding: " + u.what;
  }
  for (const auto& [name, type] : declared) {
    options.identifiers.push_back(name);
    options.identifier_types.push_back(type);
    auto it = bound.find(name);
    activation.identifiers.push_back(it == bound.end() ? Value() : it->second);
  }
  for (const auto& [name, v] : bound) {
    if (declared.count(name)) continue;
    options.identifiers.push_back(name);
    options.identifier_types.push_back(CelType::dyn());
    activation.identifiers.push_back(v);
  }

  const std::string expr = t.at("expr").get<std::string>();
  auto compiled = env->compile(expr, options);
  const bool expect_error = t.contains("evalError");
  if (!compiled.ok()) {
    if (expect_error) return "";
    return "compile error: " + compiled.error->message;
  }
  if (t.contains("typedResult") && t["typedResult"].contains("deducedType") && !options.disable_type_checks) {
    const std::string want = to_type(t["typedResult"]["deducedType"]).to_string();
    if (compiled.type.to_string() != want) return "deduced type " + compiled.type.to_string() + ", want " + want;
  }
  if (t.value("checkOnly", false)) return "";
  auto result = compiled.program->evaluate(activation);
  if (expect_error) return result.ok() ? "expected an error, got " + describe(result.value) : "";
  if (!result.ok()) return "eval error: " + *result.error;
  const json* expected_json = nullptr;
  if (t.contains("value")) expected_json = &t["value"];
  else if (t.contains("typedResult") && t["typedResult"].contains("result")) expected_json = &t["typedResult"]["result"];
  if (expected_json == nullptr) return "";
  Value expected;
  try {
    expected = to_value(*expected_json);
  } catch (const Unsupported& u) {
    return "unsupported expected value: " + u.what;
  }
  if (!same_value(expected, result.value)) return "expected " + describe(expected) + ", got " + describe(result.value);
  return "";
}

bool json_mentions_message(const json& j) {
  if (j.is_object()) {
    if (j.contains("@type")) {
      const auto t = j["@type"].get<std::string>();
      if (t != "type.googleapis.com/google.protobuf.Duration" && t != "type.googleapis.com/google.protobuf.Timestamp")
        return true;
    }
    if (j.contains("messageType")) {
      const auto t = j["messageType"].get<std::string>();
      if (t != "google.protobuf.Duration" && t != "google.protobuf.Timestamp") return true;
    }
    if (j.contains("enumValue")) return true;
    for (const auto& [_, v] : j.items())
      if (json_mentions_message(v)) return true;
  } else if (j.is_array()) {
    for (const auto& v : j)
      if (json_mentions_message(v)) return true;
  }
  return false;
}

// Tests that build or read protobuf messages (TestAllTypes, wrapper and
// JSON well-known types): Kubernetes CEL has no protobuf messages, so these
// are reported separately and not run, like the proto2/proto3 files.
bool needs_protobuf_messages(const json& t) {
  const std::string expr = t.value("expr", "");
  static const char* kMessageNames[] = {"TestAllTypes", "google.protobuf.Any", "google.protobuf.Value",
                                        "google.protobuf.Struct", "google.protobuf.ListValue",
                                        "google.protobuf.BoolValue", "google.protobuf.BytesValue",
                                        "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
                                        "google.protobuf.Int32Value", "google.protobuf.Int64Value",
                                        "google.protobuf.StringValue", "google.protobuf.UInt32Value",
                                        "google.protobuf.UInt64Value", "GlobalEnum", "NestedEnum"};
  for (const char* name : kMessageNames)
    if (expr.find(name) != std::string::npos) return true;
  return json_mentions_message(t);
}

std::string spec_json_path() {
  if (const char* p = std::getenv("TOLLGATE_CEL_SPEC_JSON")) return p;
  return std::string(TOLLGATE_BINARY_DIR) + "/cel-spec/conformance.json";
}

}  // namespace

TEST_CASE("cel-spec conformance suite", "[cel][conformance][cel-spec]") {
  const std::string path = spec_json_path();
  std::ifstream in(path);
  if (!in) {
    FAIL("cel-spec conformance data not found at " << path
                                                   << "; run tests/conformance/fetch_cel_spec.sh <build dir>/cel-spec "
                                                      "(or set TOLLGATE_CEL_SPEC_JSON)");
  }
  const json spec = json::parse(in);
  const auto known = tollgate::conformance::load_known_failures(std::string(TOLLGATE_SOURCE_DIR) +
                                                                "/tests/conformance/cel_known_failures.txt");
  for (const auto& [key, reason] : known) {
    INFO("known failure without a reason: " << key);
    CHECK(!reason.empty());
  }
  const bool verbose = std::getenv("TOLLGATE_CEL_SPEC_VERBOSE") != nullptr;
  size_t total_passed = 0, total_tests = 0, total_protobuf = 0, total_known = 0, skipped_tests = 0;
  std::set<std::string> failed_known;  // listed failures that did fail
  for (const auto& file : spec.at("suites")) {
    const std::string file_name = file.at("name").get<std::string>();
    const auto& sections = file.value("suites", json::array());
    if (kSkippedFiles.count(file_name)) {
      size_t tests = 0;
      for (const auto& section : sections) tests += section.value("tests", json::array()).size();
      skipped_tests += tests;
      std::cout << "cel-spec " << file_name << ": skipped, " << tests
                << " tests not run (protobuf messages or extensions Kubernetes lacks)\n";
      continue;
    }
    size_t passed = 0, run = 0, protobuf = 0, known_failed = 0;
    std::vector<std::string> unexpected;
    for (const auto& section : sections) {
      const std::string section_name = section.value("name", "");
      for (const auto& test : section.value("tests", json::array())) {
        const json& t = test.at("original");
        const std::string key = file_name + "/" + section_name + "/" + t.value("name", "");
        if (needs_protobuf_messages(t)) {
          ++protobuf;
          continue;
        }
        std::string why;
        try {
          why = run_test(t);
        } catch (const std::exception& e) {
          why = std::string("exception: ") + e.what();
        }
        ++run;
        if (why.empty()) {
          ++passed;
          continue;
        }
        if (verbose) std::cout << "  FAIL " << key << " [" << t.value("expr", "") << "]: " << why << "\n";
        if (known.count(key)) {
          ++known_failed;
          failed_known.insert(key);
        } else {
          unexpected.push_back(key + " [" + t.value("expr", "") + "]: " + why);
        }
      }
    }
    const size_t total = run + protobuf;
    std::cout << "cel-spec " << file_name << ": " << passed << "/" << total << " passed (" << protobuf
              << " need protobuf messages: not run, " << known_failed << " known failures)\n";
    total_passed += passed;
    total_tests += total;
    total_protobuf += protobuf;
    total_known += known_failed;
    std::string listing;
    for (const auto& u : unexpected) listing += "\n  " + u;
    INFO("failures not listed in tests/conformance/cel_known_failures.txt:" << listing);
    CHECK(unexpected.empty());
    INFO("pass rate of " << file_name << ": " << passed << " of the " << run << " tests run");
    CHECK(passed * 100 >= run * 95);
  }
  std::cout << "cel-spec total: " << total_passed << "/" << total_tests << " passed (" << total_protobuf
            << " need protobuf messages: not run, " << total_known << " known failures); " << skipped_tests
            << " more tests in skipped files\n";
  // A listed failure that passes (or names no test that was run) hides
  // nothing any more: the list must shrink with every fix.
  std::string stale;
  for (const auto& [key, reason] : known)
    if (!failed_known.count(key)) stale += "\n  " + key;
  INFO("entries in tests/conformance/cel_known_failures.txt that did not fail:" << stale);
  CHECK(stale.empty());
}
