#include "policies/model/constraint_template.h"

#include <algorithm>

#include "rules/value/yaml.h"

namespace tollgate::policies {

using value::Value;

namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_valid_operation(std::string_view op) {
  return op == "*" || op == "CREATE" || op == "UPDATE" || op == "DELETE" || op == "CONNECT";
}

// A required string field holding a CEL expression.
std::optional<CelExpressionSource> expression_field(const Value& item, std::string_view key, const std::string& item_ptr,
                                                    ParseContext& ctx) {
  std::string ptr = value::pointer_append(item_ptr, key);
  const Value* v = item.find(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    ctx.error(ptr, std::string(key) + " must be a string, got " + value::kind_name(v->kind()));
    return std::nullopt;
  }
  return CelExpressionSource{v->as_string(), ptr};
}

void check_reserved(const std::string& name, const std::string& ptr, std::string_view what, bool reserve_builtins,
                    ParseContext& ctx) {
  if (name.rfind(kReservedPrefix, 0) == 0) {
    ctx.error(ptr, std::string(what) + " " + name + " is not valid; cannot have \"" + kReservedPrefix + "\" as a prefix");
  } else if (reserve_builtins && (name == "params" || name == "anyObject")) {
    ctx.error(ptr, std::string(what) + " name " + name + " is a reserved keyword");
  }
}

std::optional<CelSource> parse_cel_source(const Value& source, const std::string& ptr, ParseContext& ctx,
                                          const LoadOptions& options) {
  size_t errors_before = ctx.error_count();
  if (!source.is_object()) {
    ctx.error(ptr, "K8sNativeValidation source must be an object");
    return std::nullopt;
  }
  CelSource out;
  out.failure_policy = options.default_cel_failure_policy == "Ignore" ? FailurePolicy::Ignore : FailurePolicy::Fail;

  if (const Value* list = fields::array_field(source, "validations", ptr, ctx)) {
    for (size_t i = 0; i < list->items().size(); ++i) {
      const Value& item = list->items()[i];
      std::string item_ptr = value::pointer_append(ptr + "/validations", i);
      if (!item.is_object()) {
        ctx.error(item_ptr, "validations entries must be objects");
        continue;
      }
      CelSource::Validation v;
      std::optional<CelExpressionSource> expr = expression_field(item, "expression", item_ptr, ctx);
      v.expression = expr ? std::move(*expr) : CelExpressionSource{"", item_ptr};
      v.message = std::string(fields::string_field(item, "message", item_ptr, ctx));
      v.message_expression = expression_field(item, "messageExpression", item_ptr, ctx);
      if (v.message_expression && v.message_expression->text.empty()) v.message_expression.reset();
      out.validations.push_back(std::move(v));
    }
  }

  if (const Value* list = fields::array_field(source, "variables", ptr, ctx)) {
    for (size_t i = 0; i < list->items().size(); ++i) {
      const Value& item = list->items()[i];
      std::string item_ptr = value::pointer_append(ptr + "/variables", i);
      if (!item.is_object()) {
        ctx.error(item_ptr, "variables entries must be objects with name and expression");
        continue;
      }
      CelSource::Variable v;
      v.name = std::string(fields::string_field(item, "name", item_ptr, ctx));
      check_reserved(v.name, item_ptr + "/name", "variable", true, ctx);
      std::optional<CelExpressionSource> expr = expression_field(item, "expression", item_ptr, ctx);
      v.expression = expr ? std::move(*expr) : CelExpressionSource{"", item_ptr};
      out.variables.push_back(std::move(v));
    }
  }

  // Gatekeeper's key is the singular `matchCondition`; `matchConditions` is
  // silently ignored there, and so here.
  if (const Value* list = fields::array_field(source, "matchCondition", ptr, ctx)) {
    for (size_t i = 0; i < list->items().size(); ++i) {
      const Value& item = list->items()[i];
      std::string item_ptr = value::pointer_append(ptr + "/matchCondition", i);
      if (!item.is_object()) {
        ctx.error(item_ptr, "matchCondition entries must be objects with name and expression");
        continue;
      }
      CelSource::MatchCondition m;
      m.name = std::string(fields::string_field(item, "name", item_ptr, ctx));
      check_reserved(m.name, item_ptr + "/name", "match condition", false, ctx);
      std::optional<CelExpressionSource> expr = expression_field(item, "expression", item_ptr, ctx);
      m.expression = expr ? std::move(*expr) : CelExpressionSource{"", item_ptr};
      out.match_conditions.push_back(std::move(m));
    }
  }

  std::string_view policy = fields::string_field(source, "failurePolicy", ptr, ctx);
  if (policy == "Fail") {
    out.failure_policy = FailurePolicy::Fail;
  } else if (policy == "Ignore") {
    out.failure_policy = FailurePolicy::Ignore;
  } else if (!policy.empty()) {
    ctx.error(ptr + "/failurePolicy", "unrecognized failure policy: " + std::string(policy) + " (Fail or Ignore)");
  }

  if (ctx.error_count() != errors_before) return std::nullopt;
  return out;
}

// The entry module and libs of a template's Rego; `ptr` is the object holding
// the `rego` and `libs` fields.
RegoSource parse_rego_source(std::string_view rego, const Value* libs, const std::string& ptr, bool v1,
                             ParseContext& ctx) {
  RegoSource source;
  source.entry = {std::string(rego), ptr + "/rego"};
  source.v1 = v1;
  if (libs != nullptr) {
    for (size_t i = 0; i < libs->items().size(); ++i) {
      std::string lib_ptr = value::pointer_append(ptr + "/libs", i);
      const Value& lib = libs->items()[i];
      if (!lib.is_string()) {
        ctx.error(lib_ptr, "libs entries must be strings of Rego");
        continue;
      }
      source.libs.push_back({lib.as_string(), lib_ptr});
    }
  }
  return source;
}

}  // namespace

bool ConstraintTemplate::applies_to_operation(std::string_view operation) const {
  if (operations.empty()) return true;
  return std::any_of(operations.begin(), operations.end(),
                     [&](const std::string& op) { return op == "*" || op == operation; });
}

std::optional<ConstraintTemplate> parse_constraint_template(const Value& object, ParseContext& ctx,
                                                            const LoadOptions& options) {
  size_t errors_before = ctx.error_count();
  ConstraintTemplate t;

  const Value* meta = fields::object_field(object, "metadata", "", ctx);
  if (meta != nullptr) t.name = std::string(fields::string_field(*meta, "name", "/metadata", ctx));
  if (t.name.empty()) ctx.error("/metadata", "ConstraintTemplate has no metadata.name");

  const Value& names = object["spec"]["crd"]["spec"]["names"];
  const Value& kind = names["kind"];
  if (!kind.is_string() || kind.as_string().empty()) {
    ctx.error("/spec/crd/spec/names", "template " + t.name + ": spec.crd.spec.names.kind is required");
  } else {
    t.kind = kind.as_string();
    if (!t.name.empty() && lowercase(t.name) != lowercase(t.kind)) {
      ctx.error("/metadata/name", "template's name \"" + t.name +
                                      "\" is not equal to the lowercase of CRD's Kind: \"" + lowercase(t.kind) + "\"");
    }
  }

  t.parameters_schema = object["spec"]["crd"]["spec"]["validation"]["openAPIV3Schema"];
  if (!t.parameters_schema.is_object()) t.parameters_schema = Value::null();

  const Value& targets = object["spec"]["targets"];
  if (!targets.is_array() || targets.items().size() != 1) {
    ctx.error(targets.is_array() ? "/spec/targets" : "/spec",
              "template " + t.name + ": wrong number of targets defined, only 1 target allowed");
    return std::nullopt;
  }
  const Value& target = targets.items()[0];
  const std::string target_ptr = "/spec/targets/0";
  if (!target.is_object()) {
    ctx.error(target_ptr, "template " + t.name + ": target must be an object");
    return std::nullopt;
  }
  std::string_view target_name = fields::string_field(target, "target", target_ptr, ctx);
  if (target_name != kAdmissionTarget) {
    ctx.error(target_ptr + "/target", "template " + t.name + ": target name \"" + std::string(target_name) +
                                          "\" is not " + kAdmissionTarget);
  }

  t.operations = fields::string_list_field(target, "operations", target_ptr, ctx);
  for (size_t i = 0; i < t.operations.size(); ++i) {
    if (!is_valid_operation(t.operations[i])) {
      ctx.error(value::pointer_append(target_ptr + "/operations", i),
                "template " + t.name + ": operation \"" + t.operations[i] + "\" is not one of *, CREATE, UPDATE, DELETE, CONNECT");
    }
  }
  if (t.operations.size() > 1 &&
      std::find(t.operations.begin(), t.operations.end(), "*") != t.operations.end()) {
    ctx.error(target_ptr + "/operations", "template " + t.name + ": \"*\" cannot be combined with other operations");
  }

  std::string_view legacy_rego = fields::string_field(target, "rego", target_ptr, ctx);
  const Value* legacy_libs = fields::array_field(target, "libs", target_ptr, ctx);
  if (!legacy_rego.empty() || (legacy_libs != nullptr && !legacy_libs->items().empty())) {
    t.rego = parse_rego_source(legacy_rego, legacy_libs, target_ptr, false, ctx);
  }

  if (const Value* code = fields::array_field(target, "code", target_ptr, ctx)) {
    for (size_t i = 0; i < code->items().size(); ++i) {
      const Value& entry = code->items()[i];
      std::string entry_ptr = value::pointer_append(target_ptr + "/code", i);
      if (!entry.is_object()) {
        ctx.error(entry_ptr, "template " + t.name + ": code entries must be objects with engine and source");
        continue;
      }
      std::string_view engine = fields::string_field(entry, "engine", entry_ptr, ctx);
      if (engine == kRegoEngine) {
        const Value& source = entry["source"];
        std::string source_ptr = entry_ptr + "/source";
        if (!source.is_object()) {
          ctx.error(source_ptr, "template " + t.name + ": Rego code needs a source object with rego");
          continue;
        }
        // A code entry's Rego replaces the legacy fields; version "v1" switches the syntax (§3.5).
        t.rego = parse_rego_source(fields::string_field(source, "rego", source_ptr, ctx),
                                   fields::array_field(source, "libs", source_ptr, ctx), source_ptr,
                                   source["version"].string_or("") == "v1", ctx);
      } else if (engine == kCelEngine) {
        if (t.cel) continue;  // the first K8sNativeValidation entry is the one used
        t.cel = parse_cel_source(entry["source"], entry_ptr + "/source", ctx, options);
        if (!t.cel) return std::nullopt;
      }
    }
  }
  t.has_rego = t.rego.has_value();
  if (!t.cel && !t.rego) {
    ctx.error(target_ptr, "template " + t.name + ": no code for any engine (K8sNativeValidation or Rego)");
    return std::nullopt;
  }

  // Engine choice: keep only the code of the engine that will run it.
  std::string missing;
  switch (options.engine) {
    case EnginePreference::Auto:
      if (t.cel) t.rego.reset();  // K8sNativeValidation has priority, no fallback
      break;
    case EnginePreference::Rego:
      t.cel.reset();
      if (!t.rego) missing = "no Rego code (engine rego)";
      break;
    case EnginePreference::Cel:
      t.rego.reset();
      if (!t.cel) missing = "no K8sNativeValidation code (engine cel)";
      break;
    case EnginePreference::All: break;
  }
  if (!missing.empty()) {
    if (options.allow_unsupported_templates) {
      t.unsupported_reason = missing;
    } else {
      ctx.error(target_ptr, "template " + t.name + ": " + missing);
    }
  }

  if (ctx.error_count() != errors_before) return std::nullopt;
  return t;
}

std::optional<EnginePreference> parse_engine_preference(std::string_view text) {
  if (text == "auto") return EnginePreference::Auto;
  if (text == "rego") return EnginePreference::Rego;
  if (text == "cel") return EnginePreference::Cel;
  if (text == "all") return EnginePreference::All;
  return std::nullopt;
}

}  // namespace tollgate::policies
