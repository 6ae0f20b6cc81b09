// The Rego differential corpus (../shared/testdata/rego-differential, see its
// README): generated modules with OPA v1.5.1's answers. This header loads the
// cases, runs one through the Rego library the way `tollgate eval -d t.rego
// -i input.json data.t` does (v1 with a fallback to v0, builtin errors not
// strict), and compares the outcome with OPA's:
//
//  - values compare as JSON with numbers by their TEXT (OPA keeps `1.0`), and
//    again with numbers by value ("agree ignoring number text"). "By text"
//    is as exact as the corpus allows: its opa_output was re-encoded by a
//    JSON library that reads numbers as int or float64 and prints a float
//    shortest-first with `.0` (Python's json). Evidence: case s1002-c609
//    shows the object KEY "1e2" (OPA's text, kept because it is a string)
//    beside the VALUE 100.0 for the same input number 1e2, and OPA's
//    `1.999999999999999778` appears as `1.9999999999999998`. So an integer
//    literal (digits only) compares by its digits, and any other number
//    text compares as the float64 it denotes (number_as_corpus_prints):
//    1 and 1.0 still differ, as do 1.0 and 1.5; 1e2 and 100.0 agree, as
//    they must, since the corpus cannot tell them apart;
//  - a run-time error agrees with a run-time error (the message is compared
//    separately, as OPA prints it: `t.rego:13: eval_conflict_error: ...`);
//  - a module OPA refused agrees when Tollgate refuses it at compile time.
//
// A disagreement gets a class by a rule simple enough to read off the case:
// what each side answered (value / error code / refusal), and for two
// different values the first rule (in key order) whose value differs, how it
// differs (undefined on one side, or another value) and the first Rego
// feature found in that rule's definitions, in the order the list
// kFeatures gives (else, not, with, every, default, ...).
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/rego/rego.h"
#include "rules/value/json.h"
#include "rules/value/utf8.h"
#include "rules/value/value.h"
#include "rules/value/yaml.h"
#include "tests/conformance/opa_case_run.h"

namespace tollgate::conformance::rego_diff {

using value::Value;

struct DiffCase {
  std::string id;
  std::string module;
  std::string input;  // JSON text
  std::string query;  // always data.t in the corpus; the runner evaluates data.<path>
  bool rejected = false;             // from rejected.jsonl: OPA refused the module
  std::optional<std::string> opa_output;  // opa eval JSON (numbers as OPA printed them)
  std::optional<std::string> opa_error;   // run-time error (evaluated) or compile error (rejected)
};

inline std::vector<DiffCase> load_cases(const std::string& path, bool rejected) {
  std::vector<DiffCase> out;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line);
    DiffCase c;
    c.id = j.at("id").get<std::string>();
    c.module = j.at("module").get<std::string>();
    c.input = j.value("input", "");
    c.query = j.value("query", "data.t");
    c.rejected = rejected;
    if (j.contains("opa_output")) c.opa_output = j.at("opa_output").get<std::string>();
    if (j.contains("opa_error")) c.opa_error = j.at("opa_error").get<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

// ---- JSON text with number text kept --------------------------------------

// A number's text as the corpus's JSON re-encoding prints it (see the header
// comment): an integer literal (an optional '-' and digits) as written; any
// other number text as the float64 it denotes, shortest round-trip digits,
// with `.0` when those read as an integer (100.0, 1.5, 1e+22).
inline std::string number_as_corpus_prints(std::string_view text) {
  const bool integer = !text.empty() && text.find_first_not_of("-0123456789") == std::string_view::npos;
  if (integer) return std::string(text);
  const std::string owned(text);
  char* end = nullptr;
  const double d = std::strtod(owned.c_str(), &end);
  if (end != owned.c_str() + owned.size()) return owned;  // not a number: leave it to differ
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  std::string out(buf, r.ptr);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

// Re-writes JSON text compactly, object keys sorted (byte order, as Go's
// encoder and value::to_json write them), strings re-escaped the way
// value::to_json escapes them, numbers exactly as written (Numbers::AsWritten)
// or as the corpus prints them (Numbers::AsCorpusPrints: number_as_corpus_prints).
class CanonicalJson {
 public:
  enum class Numbers { AsWritten, AsCorpusPrints };
  static std::string of(std::string_view text, Numbers numbers = Numbers::AsWritten) {
    CanonicalJson p(text);
    p.numbers_ = numbers;
    std::string out;
    p.value(out);
    p.ws();
    if (p.i_ != p.s_.size()) throw std::runtime_error("trailing text in JSON");
    return out;
  }

 private:
  explicit CanonicalJson(std::string_view s) : s_(s) {}

  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  char peek() {
    ws();
    if (i_ >= s_.size()) throw std::runtime_error("unexpected end of JSON");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) throw std::runtime_error(std::string("expected '") + c + "' in JSON");
    ++i_;
  }

  uint32_t hex4() {
    if (i_ + 4 > s_.size()) throw std::runtime_error("bad \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
      else throw std::runtime_error("bad \\u escape");
    }
    return v;
  }
  // The decoded (UTF-8) content of a string literal.
  std::string raw_string() {
    expect('"');
    std::string out;
    while (true) {
      if (i_ >= s_.size()) throw std::runtime_error("unclosed string");
      const char c = s_[i_++];
      if (c == '"') break;
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = s_[i_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && i_ + 1 < s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
            i_ += 2;
            const uint32_t lo = hex4();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          value::append_utf8(static_cast<char32_t>(cp), out);
          break;
        }
        default: out += e;
      }
    }
    return out;
  }
  void value(std::string& out) {
    const char c = peek();
    if (c == '{') {
      ++i_;
      std::vector<std::pair<std::string, std::string>> entries;
      if (peek() == '}') {
        ++i_;
      } else {
        while (true) {
          std::string key = raw_string();
          expect(':');
          std::string v;
          value(v);
          entries.emplace_back(std::move(key), std::move(v));
          if (peek() == ',') {
            ++i_;
            continue;
          }
          expect('}');
          break;
        }
      }
      std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      out += '{';
      for (size_t k = 0; k < entries.size(); ++k) {
        if (k) out += ',';
        value::append_json_string(entries[k].first, out);
        out += ':';
        out += entries[k].second;
      }
      out += '}';
    } else if (c == '[') {
      ++i_;
      out += '[';
      if (peek() == ']') {
        ++i_;
      } else {
        bool first = true;
        while (true) {
          if (!first) out += ',';
          first = false;
          value(out);
          if (peek() == ',') {
            ++i_;
            continue;
          }
          expect(']');
          break;
        }
      }
      out += ']';
    } else if (c == '"') {
      value::append_json_string(raw_string(), out);
    } else {
      const size_t start = i_;
      while (i_ < s_.size() && std::string_view(",]} \n\t\r").find(s_[i_]) == std::string_view::npos) ++i_;
      const std::string_view number = s_.substr(start, i_ - start);
      if (numbers_ == Numbers::AsCorpusPrints && number.find_first_not_of("-0123456789.eE+") == std::string_view::npos)
        out += number_as_corpus_prints(number);
      else
        out.append(number);
    }
  }

  std::string_view s_;
  size_t i_ = 0;
  Numbers numbers_ = Numbers::AsWritten;
};

// ---- running one case ------------------------------------------------------

// What Tollgate answered.
struct Answer {
  enum class Kind { Value, EvalError, Refused };
  Kind kind = Kind::Value;
  Value value;            // Kind::Value: the document data.<path> (null when undefined)
  bool defined = false;   // Kind::Value: whether it was defined
  std::string code;       // EvalError / Refused: the (first) error code
  std::string text;       // EvalError / Refused: OPA-formatted error text
};

constexpr const char* kModuleFile = "t.rego";

inline std::vector<std::string> query_path(const std::string& query) {
  std::vector<std::string> path;
  size_t start = query.rfind("data", 0) == 0 ? 5 : 0;
  while (start < query.size()) {
    const size_t dot = query.find('.', start);
    path.push_back(query.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return path;
}

inline Answer evaluate(const std::string& module, const std::string& input_json, const std::string& query) {
  Answer a;
  rego::CompileOptions compile_options;
  compile_options.strip_print = false;  // as `tollgate eval`
  auto compiled = rego::compile({{kModuleFile, module, std::nullopt}}, compile_options);
  if (!compiled.errors.empty()) {
    a.kind = Answer::Kind::Refused;
    a.code = compiled.errors[0].code;
    a.text = opa_errors_text(compiled.errors);
    return a;
  }
  rego::QueryOptions options;
  if (!input_json.empty()) {
    // As OPA (UseNumber) and `tollgate eval -i` read JSON input: number text kept.
    Value input;
    value::JsonError error;
    if (!value::parse_json_keeping_number_text(input_json, &input, &error))
      throw std::runtime_error("input does not parse: " + error.message);
    options.input = std::move(input);
  }
  const rego::DocumentResult r = rego::evaluate_document(*compiled.policy, query_path(query), options);
  if (r.error) {
    a.kind = Answer::Kind::EvalError;
    a.code = r.error->code;
    a.text = opa_error_text(*r.error);
    return a;
  }
  a.defined = r.value.has_value();
  if (r.value) a.value = *r.value;
  return a;
}

// ---- comparing -------------------------------------------------------------

struct Verdict {
  bool exact = false;        // agrees (numbers by text for values)
  bool by_value = false;     // agrees when number text is ignored
  bool message = false;      // both failed at run time and the texts are equal
  std::string klass;         // disagreements: the class (see the header comment)
  std::string details;       // what each side said
};

// OPA's answer as value text: nullopt when undefined.
inline std::optional<std::string> opa_value_text(const std::string& opa_output) {
  const nlohmann::json j = nlohmann::json::parse(opa_output);
  if (!j.contains("result") || j["result"].empty()) return std::nullopt;
  // Pull the raw text of result[0].expressions[0].value out of the original
  // (nlohmann would turn 1.0 into a double). The value is the only member
  // named "value" before "text" in OPA's expression object.
  const size_t key = opa_output.find("\"value\":");
  const size_t end = opa_output.rfind(", \"text\":");
  if (key == std::string::npos || end == std::string::npos || end < key)
    throw std::runtime_error("unexpected opa_output shape");
  return CanonicalJson::of(std::string_view(opa_output).substr(key + 8, end - key - 8));
}

// A value with number text ignored, also where OPA's JSON turned numbers
// into object keys ({"2.0": 1} and {"2": 1} are the same here).
inline Value without_number_text(const Value& v) {
  if (v.is_array() || v.is_set()) {
    std::vector<Value> items;
    for (const Value& i : v.items()) items.push_back(without_number_text(i));
    return Value::array(std::move(items));
  }
  if (v.is_object()) {
    std::vector<Value::Entry> entries;
    for (const auto& [k, x] : v.entries()) {
      Value key = k;
      if (k.is_string()) {
        Value parsed;
        value::JsonError error;
        if (value::parse_json(k.as_string(), &parsed, &error) && parsed.is_number())
          key = Value::string(value::to_json(Value::number(parsed.to_double())));
      }
      entries.emplace_back(std::move(key), without_number_text(x));
    }
    return Value::object(std::move(entries));
  }
  return v;
}

inline std::string short_text(const std::string& s, size_t max = 300) {
  return s.size() > max ? s.substr(0, max) + "..." : s;
}

// Rego features, most telling first, looked for in a rule's definitions.
inline const std::vector<std::pair<std::string, std::string>>& features() {
  static const std::vector<std::pair<std::string, std::string>> list = {
      {"} else", "else"},   {"\tnot ", "not"},        {" with ", "with"},     {"every ", "every"},
      {"default ", "default"}, {" in ", "some/in"},   {"[", "refs/collections"}, {"(", "calls"},
  };
  return list;
}

// The text of the rule `name`'s definitions: the blank-line separated blocks
// of the module that start with it (or with `default name`).
inline std::string rule_text(const std::string& module, const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start < module.size()) {
    size_t end = module.find("\n\n", start);
    if (end == std::string::npos) end = module.size();
    const std::string block = module.substr(start, end - start);
    auto starts = [&](const std::string& prefix) {
      return block.rfind(prefix, 0) == 0 && block.size() > prefix.size() &&
             std::string_view(" ([=:{\n").find(block[prefix.size()]) != std::string_view::npos;
    };
    if (starts(name) || starts("default " + name)) out += block + "\n";
    start = end + 2;
  }
  return out;
}

inline std::string feature_of(const std::string& text) {
  for (const auto& [needle, name] : features())
    if (text.find(needle) != std::string::npos) return name;
  return "plain";
}

inline Verdict compare(const DiffCase& c, const Answer& a) {
  Verdict v;
  auto answer_text = [&]() -> std::string {
    switch (a.kind) {
      case Answer::Kind::Refused: return "refused: " + short_text(a.text);
      case Answer::Kind::EvalError: return "error: " + short_text(a.text);
      case Answer::Kind::Value:
        return a.defined ? "value " + short_text(value::to_json(json_shaped(a.value))) : "undefined";
    }
    return "";
  };
  if (c.rejected) {
    v.exact = v.by_value = a.kind == Answer::Kind::Refused;
    if (!v.exact) {
      // "1 error occurred: t.rego:9: rego_type_error: ..." -> the code.
      std::string opa_code = "?";
      for (const char* k : {"rego_type_error", "rego_compile_error", "rego_unsafe_var_error", "rego_recursion_error",
                            "rego_parse_error"})
        if (c.opa_error && c.opa_error->find(k) != std::string::npos) {
          opa_code = k;
          break;
        }
      v.klass = "refused by OPA (" + opa_code + "), " +
                (a.kind == Answer::Kind::EvalError ? "run-time error " + a.code : std::string("evaluated"));
      v.details = "OPA: " + short_text(c.opa_error.value_or("")) + "\n    Tollgate: " + answer_text();
    }
    return v;
  }
  if (c.opa_error) {
    std::string opa_code = "?";
    for (const char* k : {"eval_conflict_error", "eval_type_error", "eval_builtin_error", "eval_recursion_error",
                          "eval_cancel_error", "eval_internal_error"})
      if (c.opa_error->find(k) != std::string::npos) {
        opa_code = k;
        break;
      }
    if (a.kind == Answer::Kind::EvalError) {
      v.exact = v.by_value = true;
      v.message = a.text == *c.opa_error;
      if (!v.message) v.details = "OPA: " + *c.opa_error + "\n    Tollgate: " + a.text;
      return v;
    }
    v.klass = "OPA " + opa_code + ", Tollgate " +
              (a.kind == Answer::Kind::Refused ? "refused (" + a.code + ")" : std::string("a value"));
    v.details = "OPA: " + short_text(*c.opa_error) + "\n    Tollgate: " + answer_text();
    return v;
  }
  const std::optional<std::string> want = opa_value_text(c.opa_output.value_or("{}"));
  if (a.kind != Answer::Kind::Value) {
    v.klass = "OPA a value, Tollgate " +
              (a.kind == Answer::Kind::Refused ? "refused (" + a.code + ")" : "error " + a.code);
    v.details = "OPA: " + short_text(want.value_or("undefined")) + "\n    Tollgate: " + answer_text();
    return v;
  }
  const Value got_shaped = json_shaped(a.value);
  const std::optional<std::string> got = a.defined ? std::optional(value::to_json(got_shaped)) : std::nullopt;
  auto as_corpus_prints = [](const std::optional<std::string>& text) -> std::optional<std::string> {
    if (!text) return std::nullopt;
    return CanonicalJson::of(*text, CanonicalJson::Numbers::AsCorpusPrints);
  };
  v.exact = as_corpus_prints(want) == as_corpus_prints(got);
  const std::optional<Value> want_value =
      want ? std::optional(value::parse_json_or_throw(*want)) : std::nullopt;
  v.by_value = v.exact || (want_value.has_value() == a.defined &&
                           (!a.defined || without_number_text(*want_value) == without_number_text(got_shaped)));
  if (v.exact) return v;
  v.details = "OPA: " + short_text(want.value_or("undefined")) + "\n    Tollgate: " + answer_text();
  if (v.by_value) {
    v.klass = "number text";
    return v;
  }
  // The first rule (key of data.t) whose value differs.
  if (want_value && want_value->is_object() && got_shaped.is_object()) {
    std::vector<std::string> names;
    for (const auto& [k, x] : want_value->entries()) names.push_back(std::string(k.string_or("")));
    for (const auto& [k, x] : got_shaped.entries()) names.push_back(std::string(k.string_or("")));
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      const Value* w = want_value->find(name);
      const Value* g = got_shaped.find(name);
      if (w && g && *w == *g) continue;
      const std::string how = !g ? "undefined in Tollgate" : !w ? "undefined in OPA" : "another value";
      v.klass = "rule " + how + " [" + feature_of(rule_text(c.module, name)) + "]";
      return v;
    }
  }
  v.klass = "another document";
  return v;
}

}  // namespace tollgate::conformance::rego_diff
