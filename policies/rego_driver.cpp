#include "policies/rego_driver.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string_view>

#include "policies/model/parse_context.h"
#include "rules/rego/compiler/compiled_policy.h"
#include "rules/rego/rego.h"
#include "rules/value/number_format.h"

namespace tollgate::policies {

using value::Value;

namespace {

// Column of the first non-blank character of a line of a file (1-based), 0
// when the file cannot be read.
uint32_t indentation_of_line(const std::string& file, int line) {
  std::ifstream in(file);
  std::string text;
  for (int i = 1; i <= line && std::getline(in, text); ++i) {
    if (i == line) {
      size_t first = text.find_first_not_of(" \t");
      return first == std::string::npos ? 0 : static_cast<uint32_t>(first) + 1;
    }
  }
  return 0;
}

// Whether a line of a file ends in a block scalar indicator (`rego: |`,
// `rego: >-`): the scalar's content starts on the next line.
bool opens_block_scalar(const std::string& file, int line) {
  std::ifstream in(file);
  std::string text;
  for (int i = 1; i <= line && std::getline(in, text); ++i) {
    if (i != line) continue;
    size_t colon = text.rfind(": ");
    std::string_view rest = colon == std::string::npos ? std::string_view() : std::string_view(text).substr(colon + 2);
    size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos || (rest[start] != '|' && rest[start] != '>')) return false;
    size_t end = rest.find_first_not_of("|>+-0123456789", start);
    return end == std::string_view::npos || rest.substr(end).find_first_not_of(' ') == std::string_view::npos ||
           rest[rest.find_first_not_of(' ', end)] == '#';
  }
  return false;
}

// A Rego error inside a template field, located in the template's file: the
// source map places a mapping value at its key, so a block scalar's content
// starts on the next line and Rego line N is N - 1 lines below that, at the
// line's indentation plus the Rego column; a JSON string keeps the string's
// position.
LoadError locate(const rego::Error& e, const RegoSource::Module& module, const std::string& template_name,
                 ParseContext& ctx) {
  LoadError le = ctx.origin().error_at(module.pointer, "template " + template_name + ": " + e.code + ": " + e.message);
  bool yaml = le.file.size() < 5 || le.file.compare(le.file.size() - 5, 5, ".json") != 0;
  if (yaml && le.line > 0 && e.loc.line > 0) {
    if (opens_block_scalar(le.file, le.line)) ++le.line;
    le.line += static_cast<int>(e.loc.line) - 1;
    uint32_t indent = indentation_of_line(le.file, le.line);
    if (indent > 0) le.column = static_cast<int>(indent + e.loc.column - 1);
  }
  return le;
}

const Value& empty_object() { return Value::empty_object(); }

Value nested(std::vector<std::pair<std::vector<std::string>, Value>>& items, size_t depth, size_t begin, size_t end) {
  // items[begin, end) share their first `depth` path segments and are sorted by path.
  std::vector<Value::Entry> entries;
  size_t i = begin;
  while (i < end) {
    const std::string& key = items[i].first[depth];
    size_t j = i + 1;
    while (j < end && items[j].first[depth] == key) ++j;
    Value child = depth + 1 == items[i].first.size() ? items[j - 1].second : nested(items, depth + 1, i, j);
    entries.emplace_back(Value::string(key), std::move(child));
    i = j;
  }
  return Value::object_sorted(std::move(entries));
}

// A number as Gatekeeper's review hands it to OPA: the driver round-trips the
// review through encoding/json into interface{} (frameworks' toInterfaceMap,
// no UseNumber), so every number is a float64, and ast.InterfaceToValue
// writes it as strconv.FormatFloat(f, 'g', -1, 64): 1000000 is `1e+06`, 2.50
// is `2.5`, 2.0 is `2`, 9007199254740993 is `9.007199254740992e+15`. Returns
// false when the number already reads that way (every integer below 10^6,
// every non-integral double): the usual review allocates nothing here.
bool as_go_float64(const Value& v, Value* out) {
  if (v.is_int() && v.as_int() > -1000000 && v.as_int() < 1000000) return false;
  if (v.is_double() && v.as_double() != std::trunc(v.as_double())) return false;
  const double d = v.to_double();
  if (!std::isfinite(d)) return false;  // Go's decoder refuses it; nothing to mimic
  if (d == std::trunc(d) && std::fabs(d) < 1e6) {
    if (v.is_int()) return false;
    *out = Value::integer(static_cast<int64_t>(d));
    return true;
  }
  std::string text = value::format_double_g(d);
  if (v.is_bignum() && v.as_string() == text) return false;
  *out = Value::number_with_text(std::move(text), Value::number(d));
  return true;
}

// The review's numbers as Gatekeeper's OPA input has them (as_go_float64),
// rebuilding only the arrays and objects that hold a changed number.
bool with_go_float64_numbers(const Value& v, Value* out) {
  switch (v.kind()) {
    case value::Kind::Int:
    case value::Kind::Uint:
    case value::Kind::Double:
    case value::Kind::BigNum: return as_go_float64(v, out);
    case value::Kind::Array: {
      const std::vector<Value>& items = v.items();
      for (size_t i = 0; i < items.size(); ++i) {
        Value changed;
        if (!with_go_float64_numbers(items[i], &changed)) continue;
        std::vector<Value> copy(items);
        copy[i] = std::move(changed);
        for (size_t j = i + 1; j < copy.size(); ++j) {
          Value c;
          if (with_go_float64_numbers(copy[j], &c)) copy[j] = std::move(c);
        }
        *out = Value::array(std::move(copy));
        return true;
      }
      return false;
    }
    case value::Kind::Object: {
      const std::vector<Value::Entry>& entries = v.entries();
      for (size_t i = 0; i < entries.size(); ++i) {
        Value changed;
        if (!with_go_float64_numbers(entries[i].second, &changed)) continue;
        std::vector<Value::Entry> copy(entries);
        copy[i].second = std::move(changed);
        for (size_t j = i + 1; j < copy.size(); ++j) {
          Value c;
          if (with_go_float64_numbers(copy[j].second, &c)) copy[j].second = std::move(c);
        }
        *out = Value::object_sorted(std::move(copy));
        return true;
      }
      return false;
    }
    default: return false;
  }
}

const Value& go_float64_numbers(const Value& v, Value& scratch) {
  return with_go_float64_numbers(v, &scratch) ? scratch : v;
}

}  // namespace

Value rego_review(const Value& request, const Value* namespace_object) {
  // One pass over the request's entries and one object built: this runs for every review.
  // Key strings per thread: no allocation per review, no refcount shared across workers.
  thread_local const Value kObject = Value::string("object");
  thread_local const Value kOldObject = Value::string("oldObject");
  thread_local const Value kOptions = Value::string("options");
  thread_local const Value kNamespaceObject = Value::string("namespaceObject");
  bool is_delete = request["operation"].string_or("") == "DELETE";
  const Value* old_object = request.find("oldObject");
  const Value* replacement = is_delete && old_object != nullptr ? old_object : nullptr;
  std::vector<Value::Entry> entries;
  entries.reserve(request.size() + 4);
  bool has_object = false;
  bool has_options = false;
  bool string_keys = true;
  if (request.is_object()) {
    for (const auto& [key, v] : request.entries()) {
      string_keys &= key.is_string();
      std::string_view name = key.string_or("");
      if (name == "namespaceObject") continue;
      has_object |= name == "object";
      has_options |= name == "options";
      Value scratch;
      entries.emplace_back(key, go_float64_numbers(name == "object" && replacement != nullptr ? *replacement : v, scratch));
    }
  }
  // The members added, in key order (namespaceObject < object < oldObject < options).
  Value object_scratch;
  Value::Entry added[4];
  size_t n_added = 0;
  added[n_added++] = {kNamespaceObject, namespace_object != nullptr ? *namespace_object : empty_object()};
  if (!has_object && replacement != nullptr) added[n_added++] = {kObject, go_float64_numbers(*replacement, object_scratch)};
  if (old_object == nullptr) added[n_added++] = {kOldObject, Value::null()};
  if (!has_options) added[n_added++] = {kOptions, Value::null()};
  if (!string_keys) {
    // Not an AdmissionRequest's JSON: let Value::object order the keys.
    for (size_t i = 0; i < n_added; ++i) entries.push_back(std::move(added[i]));
    return Value::object(std::move(entries));
  }
  // The request's entries are sorted by key (byte order for strings) and
  // none of them is an added key: merge.
  std::vector<Value::Entry> merged;
  merged.reserve(entries.size() + n_added);
  size_t a = 0;
  for (auto& e : entries) {
    while (a < n_added && added[a].first.as_string() < e.first.as_string()) merged.push_back(std::move(added[a++]));
    merged.push_back(std::move(e));
  }
  while (a < n_added) merged.push_back(std::move(added[a++]));
  return Value::object_sorted(std::move(merged));
}

Value inventory_data(const std::vector<Value>& objects) {
  std::vector<std::pair<std::vector<std::string>, Value>> items;
  items.reserve(objects.size());
  for (const Value& o : objects) {
    std::string_view api_version = o["apiVersion"].string_or("");
    std::string_view kind = o["kind"].string_or("");
    std::string_view name = o["metadata"]["name"].string_or("");
    if (api_version.empty() || kind.empty() || name.empty()) continue;
    std::string_view ns = o["metadata"]["namespace"].string_or("");
    if (ns.empty()) {
      items.push_back({{"cluster", std::string(api_version), std::string(kind), std::string(name)}, o});
    } else {
      items.push_back({{"namespace", std::string(ns), std::string(api_version), std::string(kind), std::string(name)}, o});
    }
  }
  Value inventory = empty_object();
  if (!items.empty()) {
    // Sorted by path; for the same path the last object given wins.
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    // A path that is a prefix of another cannot occur: cluster paths have 4
    // segments and namespace paths 5, under different roots.
    inventory = nested(items, 0, 0, items.size());
  }
  return Value::object_sorted({{Value::string("inventory"), std::move(inventory)}});
}

std::shared_ptr<const RegoTemplateProgram> RegoTemplateProgram::compile(const RegoSource& source,
                                                                        const std::string& template_name,
                                                                        ParseContext& ctx) {
  std::vector<rego::ModuleSource> modules;
  std::vector<const RegoSource::Module*> origins;
  rego::RegoVersion version = source.v1 ? rego::RegoVersion::V1 : rego::RegoVersion::V0;
  modules.push_back({ctx.origin().file() + "#" + source.entry.pointer, source.entry.text, version});
  origins.push_back(&source.entry);
  for (const RegoSource::Module& lib : source.libs) {
    modules.push_back({ctx.origin().file() + "#" + lib.pointer, lib.text, version});
    origins.push_back(&lib);
  }
  rego::CompileOptions options;
  // §3.4: data references only under data.lib and data.inventory.
  options.allowed_data_roots = {"lib", "inventory"};
  rego::CompileResult compiled = rego::compile(modules, options);
  if (!compiled.errors.empty()) {
    for (const rego::Error& e : compiled.errors) {
      const RegoSource::Module* module = origins[0];
      for (size_t i = 0; i < modules.size(); ++i) {
        if (e.file == modules[i].file) module = origins[i];
      }
      ctx.error(locate(e, *module, template_name, ctx));
    }
    return nullptr;
  }
  auto program = std::make_shared<RegoTemplateProgram>();
  program->policy_ = std::move(compiled.policy);
  std::vector<Value> violation_path;
  for (const std::string& segment : rego::module_package(*program->policy_, 0)) {
    violation_path.push_back(Value::string(segment));
  }
  violation_path.push_back(Value::string("violation"));
  program->violation_ = std::make_shared<const rego::DocumentRef>(*program->policy_, violation_path);
  return program;
}

void RegoTemplateProgram::evaluate(const Value& review, const Value& parameters, const Value& data,
                                   std::vector<Violation>& out, rego::SharedInputMemo* memo) const {
  // Per thread: no allocation per constraint, and no refcount shared across workers.
  thread_local const Value kParameters = Value::string("parameters");
  thread_local const Value kReview = Value::string("review");
  rego::QueryOptions options;
  options.input = Value::object_sorted({{kParameters, parameters.is_null() ? empty_object() : parameters},
                                        {kReview, review}});
  options.data = data;
  options.shared_memo = memo;
  rego::DocumentResult result = rego::evaluate_document_at(*policy_, *violation_, options);
  if (result.error) {
    // Gatekeeper's violation: OPA's error text, the template's Rego module
    // being named "template" ("template:50: eval_conflict_error: ...").
    rego::Error e = *result.error;
    if (!policy_->files.empty() && e.file == *policy_->files[0]) e.file = "template";
    // A budget exceeded fails the request at the webhook (code 500).
    if (e.code == "eval_cancel_error") value::fail_request_on_budget_error(e.opa_text());
    out.push_back({e.opa_text(), empty_object()});
    return;
  }
  if (!result.value || !(result.value->is_set() || result.value->is_array())) return;
  for (const Value& v : result.value->items()) {
    const Value* msg = v.find("msg");
    if (msg == nullptr) continue;  // the hook drops violations without msg
    if (!msg->is_string()) {
      out.push_back({"violation msg must be a string, got " + std::string(value::kind_name(msg->kind())), empty_object()});
      continue;
    }
    const Value* details = v.find("details");
    out.push_back({msg->as_string(), details != nullptr ? *details : empty_object()});
  }
}

}  // namespace tollgate::policies
