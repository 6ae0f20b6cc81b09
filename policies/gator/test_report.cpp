#include "policies/gator/test_report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "policies/gator/go_marshal.h"
#include "policies/model/constraint_template.h"
#include "rules/value/go_quote.h"
#include "rules/value/json.h"

namespace tollgate::policies::gator {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even when escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += "?";
        else out.push_back(c);
    }
  }
  return out;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<const ViolationReport*> selected(const TestRunReport& report, const TestOutputOptions& options) {
  std::vector<const ViolationReport*> out;
  for (const ViolationReport& v : report.violations) {
    if (!options.deny_only || is_enforced_denial(v.result)) out.push_back(&v);
  }
  return out;
}

// "<apiVersion>/<Kind> [<ns>/]<name>" as gator names an object.
std::string object_label(const Value& object) {
  const Value& metadata = object["metadata"];
  std::string label = std::string(object["apiVersion"].string_or("")) + "/" + std::string(object["kind"].string_or("")) + " ";
  std::string_view ns = metadata["namespace"].string_or("");
  if (!ns.empty()) label += std::string(ns) + "/";
  return label + std::string(metadata["name"].string_or(""));
}

// ---- JSON as Go's encoding/json writes it (MarshalIndent, 4 spaces) ----

void newline(std::string& out, int depth) {
  out.push_back('\n');
  out.append(static_cast<size_t>(depth) * 4, ' ');
}

void append_go_json(const Value& v, int depth, std::string& out) {
  if (v.is_string()) {
    append_go_json_string(v.as_string(), out);
  } else if (v.is_object()) {
    if (v.entries().empty()) { out += "{}"; return; }
    out.push_back('{');
    bool first = true;
    for (const auto& [key, item] : v.entries()) {
      if (!first) out.push_back(',');
      first = false;
      newline(out, depth + 1);
      append_go_json_string(key.is_string() ? std::string_view(key.as_string()) : std::string_view(value::to_json(key)), out);
      out += ": ";
      append_go_json(item, depth + 1, out);
    }
    newline(out, depth);
    out.push_back('}');
  } else if (v.is_array() || v.is_set()) {
    if (v.items().empty()) { out += "[]"; return; }
    out.push_back('[');
    bool first = true;
    for (const Value& item : v.items()) {
      if (!first) out.push_back(',');
      first = false;
      newline(out, depth + 1);
      append_go_json(item, depth + 1, out);
    }
    newline(out, depth);
    out.push_back(']');
  } else {
    value::append_json(v, out);
  }
}

// The fields of one gator result, in gator's order, omitting what Go's
// omitempty omits.
Value result_object(const ViolationReport& v, std::vector<std::string>* order) {
  std::vector<Value::Entry> entries;
  auto add = [&](const char* key, Value val) {
    order->push_back(key);
    entries.emplace_back(Value::string(key), std::move(val));
  };
  add("target", Value::string(policies::kAdmissionTarget));
  if (!v.result.message.empty()) add("msg", Value::string(v.result.message));
  Value details = v.result.details.is_null() ? Value::empty_object() : v.result.details;
  add("metadata", value::ObjectBuilder().add("details", details).build());
  if (!v.constraint.is_null()) add("constraint", v.constraint);
  if (!v.result.enforcement_action.empty()) add("enforcementAction", Value::string(v.result.enforcement_action));
  if (!v.result.scoped_actions.empty()) {
    std::vector<Value> actions;
    for (const std::string& a : v.result.scoped_actions) actions.push_back(Value::string(a));
    add("scopedActions", Value::array(std::move(actions)));
  }
  add("violatingObject", v.violating_object);
  add("trace", Value::null());
  return Value::object(std::move(entries));
}

std::string seconds_text(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", seconds);
  return buf;
}

std::string result_line(const Result& r) { return "[" + r.constraint_name + "] " + r.message; }

}  // namespace

void append_go_json_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    // Go escapes <, > and & for HTML safety, and U+2028/U+2029 for JSONP.
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

TestOutputFormat parse_test_output_format(const std::string& name) {
  std::string n = lower(name);
  if (n == "json") return TestOutputFormat::Json;
  if (n == "yaml") return TestOutputFormat::Yaml;
  if (n == "junit") return TestOutputFormat::Junit;
  if (n == "sarif") return TestOutputFormat::Sarif;
  if (n == "github") return TestOutputFormat::Github;
  if (n == "default") return TestOutputFormat::Silent;
  return TestOutputFormat::Text;
}

std::string format_test_text(const TestRunReport& report, const TestOutputOptions& options) {
  std::string out;
  for (const ViolationReport* v : selected(report, options)) {
    out += object_label(v->violating_object) + ": [" + value::go_quote(v->result.constraint_name) + "] Message: " +
           value::go_quote(v->result.message) + "\n";
  }
  return out;
}

std::string format_test_json(const TestRunReport& report, const TestOutputOptions& options) {
  std::vector<const ViolationReport*> results = selected(report, options);
  if (results.empty()) return "[]\n";
  std::string out = "[";
  for (size_t i = 0; i < results.size(); ++i) {
    if (i > 0) out.push_back(',');
    newline(out, 1);
    std::vector<std::string> order;
    Value fields = result_object(*results[i], &order);
    // Go writes struct fields in declaration order, not sorted.
    out.push_back('{');
    for (size_t k = 0; k < order.size(); ++k) {
      if (k > 0) out.push_back(',');
      newline(out, 2);
      append_go_json_string(order[k], out);
      out += ": ";
      append_go_json(*fields.find(order[k]), 2, out);
    }
    newline(out, 1);
    out.push_back('}');
  }
  out += "\n]\n";
  return out;
}

std::string format_test_yaml(const TestRunReport& report, const TestOutputOptions& options) {
  // gator marshals []YamlGatorResult with yaml.v3 after a JSON round trip:
  // the embedded types.Result has no yaml tag, so it is a field `result`
  // whose keys are its Go field names lower-cased, none omitted; the
  // constraint, an *unstructured.Unstructured, is its struct {object: ...};
  // numbers come back as float64.
  std::vector<const ViolationReport*> results = selected(report, options);
  if (results.empty()) return "[]\n";
  std::string out;
  auto field = [&out](const char* key, int indent, const Value& item) {
    out.append(static_cast<size_t>(indent), ' ');
    out += key;
    out += ':';
    append_go_yaml_v3_value(item, indent, out);
  };
  for (const ViolationReport* v : results) {
    out += "- result:\n";
    field("target", 4, Value::string(policies::kAdmissionTarget));
    field("msg", 4, Value::string(v->result.message));
    Value details = v->result.details.is_null() ? Value::empty_object() : v->result.details;
    field("metadata", 4, value::ObjectBuilder().add("details", details).build());
    if (v->constraint.is_null()) {
      field("constraint", 4, Value::null());
    } else {
      out += "    constraint:\n";
      // An Unstructured: apimachinery decodes its integers as int64.
      out += "        object:";
      append_go_yaml_v3_value(v->constraint, 8, out, /*int64s=*/true);
    }
    field("enforcementaction", 4, Value::string(v->result.enforcement_action));
    std::vector<Value> actions;
    for (const std::string& a : v->result.scoped_actions) actions.push_back(Value::string(a));
    field("scopedenforcementactions", 4, Value::array(std::move(actions)));
    field("violatingObject", 2, v->violating_object);
    field("trace", 2, Value::null());
  }
  return out;
}

std::string format_test_junit(const TestRunReport& report, const TestOutputOptions& options) {
  size_t failures = 0;
  double total = 0;
  for (const ReviewedObject& r : report.reviewed) {
    total += r.seconds;
    if (std::any_of(r.results.begin(), r.results.end(), is_enforced_denial)) ++failures;
  }
  std::string count = std::to_string(report.reviewed.size());
  std::string failed = std::to_string(failures);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"tollgate test\" tests=\"" + count + "\" failures=\"" + failed + "\" time=\"" +
         seconds_text(total) + "\">\n";
  out += "  <testsuite name=\"tollgate test\" tests=\"" + count + "\" failures=\"" + failed +
         "\" errors=\"0\" skipped=\"0\" time=\"" + seconds_text(total) + "\">\n";
  for (const ReviewedObject& r : report.reviewed) {
    out += "    <testcase classname=\"" + xml_escape(r.source.file) + "\" name=\"" +
           xml_escape(object_label(r.source.object)) + "\" time=\"" + seconds_text(r.seconds) + "\"";
    std::string body;
    std::string other;
    for (const Result& result : r.results) {
      if (is_enforced_denial(result)) {
        body += "      <failure type=\"" + xml_escape(result.enforcement_action) + "\" message=\"" +
                xml_escape(result_line(result)) + "\">" + xml_escape(result_line(result)) + "</failure>\n";
      } else if (!options.deny_only) {
        std::string action = result.enforcement_action;
        for (const std::string& a : result.scoped_actions) action += (a == result.scoped_actions.front() ? ":" : ",") + a;
        other += action + ": " + result_line(result) + "\n";
      }
    }
    if (!other.empty()) body += "      <system-out>" + xml_escape(other) + "</system-out>\n";
    out += body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

std::string format_test_report(const TestRunReport& report, const TestOutputOptions& options) {
  switch (options.format) {
    case TestOutputFormat::Json: return format_test_json(report, options);
    case TestOutputFormat::Yaml: return format_test_yaml(report, options);
    case TestOutputFormat::Junit: return format_test_junit(report, options);
    case TestOutputFormat::Sarif: return format_test_sarif(report, options);
    case TestOutputFormat::Github: return format_test_github(report, options);
    case TestOutputFormat::Silent: return {};
    case TestOutputFormat::Text: break;
  }
  return format_test_text(report, options);
}

}  // namespace tollgate::policies::gator
