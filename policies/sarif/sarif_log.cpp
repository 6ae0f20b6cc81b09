#include "policies/sarif/sarif_log.h"

#include <algorithm>

#include "rules/value/json.h"

namespace tollgate::policies::sarif {
namespace {

using value::Value;

Value str(const std::string& s) { return Value::string(s); }

Value result_value(const Rule& rule, const Finding& f) {
  std::vector<Value::Entry> location;
  if (!f.logical_name.empty()) {
    location.push_back({str("logicalLocations"), Value::array({Value::object({{str("fullyQualifiedName"), str(f.logical_name)},
                                                                             {str("kind"), str("resource")}})})});
  }
  if (!f.file.empty() && f.file != "-") {
    std::vector<Value::Entry> physical = {{str("artifactLocation"), Value::object({{str("uri"), str(file_uri(f.file))}})}};
    if (f.line > 0) physical.push_back({str("region"), Value::object({{str("startLine"), Value::integer(f.line)}})});
    location.push_back({str("physicalLocation"), Value::object(std::move(physical))});
  }
  std::vector<Value::Entry> entries = {
      {str("ruleId"), str(rule.id)},
      {str("ruleIndex"), Value::integer(static_cast<int64_t>(f.rule_index))},
      {str("level"), str(f.level)},
      {str("message"), Value::object({{str("text"), str(f.message)}})},
  };
  if (!location.empty()) entries.push_back({str("locations"), Value::array({Value::object(std::move(location))})});
  return Value::object(std::move(entries));
}

}  // namespace

std::string level_for(const std::string& action, const std::vector<std::string>& scoped_actions) {
  auto has = [&](const char* a) {
    return action == a || std::find(scoped_actions.begin(), scoped_actions.end(), a) != scoped_actions.end();
  };
  if (has("deny")) return "error";
  if (has("warn")) return "warning";
  return "note";
}

std::string file_uri(std::string path) {
  while (path.rfind("./", 0) == 0) path.erase(0, 2);
  std::string out = path.rfind('/', 0) == 0 ? "file://" : "";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : path) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string sarif_log(const std::vector<Rule>& rules, const std::vector<Finding>& findings,
                      const std::string& start_time) {
  std::vector<Value> rule_values;
  for (const Rule& r : rules) {
    std::vector<Value::Entry> entries = {
        {str("id"), str(r.id)},
        {str("name"), str(r.name)},
        {str("shortDescription"), Value::object({{str("text"), str(r.description)}})},
        {str("defaultConfiguration"), Value::object({{str("level"), str(r.level)}})},
    };
    if (!r.properties.is_null()) entries.push_back({str("properties"), r.properties});
    rule_values.push_back(Value::object(std::move(entries)));
  }
  std::vector<Value> results;
  for (const Finding& f : findings) results.push_back(result_value(rules.at(f.rule_index), f));
  std::vector<Value::Entry> invocation = {{str("executionSuccessful"), Value::boolean(true)}};
  if (!start_time.empty()) invocation.push_back({str("startTimeUtc"), str(start_time)});
  Value run = Value::object({
      {str("tool"), Value::object({{str("driver"), Value::object({{str("name"), str("tollgate")},
                                                                  {str("rules"), Value::array(std::move(rule_values))}})}})},
      {str("results"), Value::array(std::move(results))},
      {str("invocations"), Value::array({Value::object(std::move(invocation))})},
  });
  return value::to_json_pretty(Value::object({
             {str("$schema"), str("https://json.schemastore.org/sarif-2.1.0.json")},
             {str("version"), str("2.1.0")},
             {str("runs"), Value::array({run})},
         })) +
         "\n";
}

}  // namespace tollgate::policies::sarif
