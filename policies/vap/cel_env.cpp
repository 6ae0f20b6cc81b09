#include "policies/vap/cel_env.h"

#include <algorithm>

#include "rules/cel/struct_value.h"

namespace tollgate::policies::vap {

using value::Value;

std::optional<EnvironmentVersion> parse_environment_version(std::string_view text) {
  if (text == "1.32") return EnvironmentVersion::Kubernetes132;
  if (text == "current") return EnvironmentVersion::Current;
  return std::nullopt;
}

std::string render_compile_error(std::string_view expression, const cel::CompileError& error) {
  std::string out = "ERROR: <input>:" + std::to_string(error.line) + ":" + std::to_string(error.column) + ": " +
                    error.message;
  // The error's line of the expression, tabs shown as spaces.
  int line = 1;
  size_t start = 0;
  while (line < error.line) {
    size_t nl = expression.find('\n', start);
    if (nl == std::string_view::npos) return out;
    start = nl + 1;
    ++line;
  }
  size_t end = expression.find('\n', start);
  std::string snippet(expression.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  std::replace(snippet.begin(), snippet.end(), '\t', ' ');
  out += "\n | " + snippet + "\n | ";
  // One dot per code point before the column (cel-go counts runes).
  size_t dots = error.column > 1 ? static_cast<size_t>(error.column - 1) : 0;
  size_t code_points = 0;
  for (unsigned char c : snippet) code_points += (c & 0xC0) != 0x80 ? 1 : 0;
  out.append(std::min(dots, code_points), '.');
  out += '^';
  return out;
}

namespace {

// `request` and `namespaceObject` are declared as Kubernetes declares them
// (admission/plugin/cel/compile.go BuildRequestType, BuildNamespaceType):
// object types whose fields are checked at compile time (`request.uid`,
// `namespaceObject.metadata.managedFields` are undefined fields) and typed
// (`request.userInfo.username` is a string, fit for an audit annotation).
// Values stay JSON maps: an absent field is "no such key", and a declared
// field whose JSON key differs (`metadata.UID`, the JSON `uid`) or whose JSON
// value has another type (timestamps arrive as strings) fails at run time.
constexpr std::string_view kRequestType = "kubernetes.AdmissionRequest";
constexpr std::string_view kNamespaceType = "kubernetes.Namespace";

struct DeclaredField {
  std::string_view name;
  cel::CelType type;
};
struct DeclaredType {
  std::string_view name;
  std::vector<DeclaredField> fields;
};

std::vector<DeclaredType> declared_types() {
  using cel::CelType;
  const CelType str = CelType::string();
  const CelType strings = CelType::list(str);
  auto object = [](std::string_view name) { return CelType::opaque(std::string(name)); };
  return {
      {kRequestType,
       {{"kind", object("kubernetes.GroupVersionKind")},
        {"resource", object("kubernetes.GroupVersionResource")},
        {"subResource", str},
        {"requestKind", object("kubernetes.GroupVersionKind")},
        {"requestResource", object("kubernetes.GroupVersionResource")},
        {"requestSubResource", str},
        {"name", str},
        {"namespace", str},
        {"operation", str},
        {"userInfo", object("kubernetes.UserInfo")},
        {"dryRun", CelType::bool_()},
        {"options", CelType::dyn()}}},
      {"kubernetes.GroupVersionKind", {{"group", str}, {"version", str}, {"kind", str}}},
      {"kubernetes.GroupVersionResource", {{"group", str}, {"version", str}, {"resource", str}}},
      {"kubernetes.UserInfo",
       {{"username", str}, {"uid", str}, {"groups", strings}, {"extra", CelType::map(str, strings)}}},
      {kNamespaceType,
       {{"metadata", object("kubernetes.NamespaceMetadata")},
        {"spec", object("kubernetes.NamespaceSpec")},
        {"status", object("kubernetes.NamespaceStatus")}}},
      {"kubernetes.NamespaceMetadata",
       {{"name", str},
        {"generateName", str},
        {"namespace", str},
        {"labels", CelType::map(str, str)},
        {"annotations", CelType::map(str, str)},
        {"UID", str},
        {"creationTimestamp", CelType::timestamp()},
        {"deletionGracePeriodSeconds", CelType::int_()},
        {"deletionTimestamp", CelType::timestamp()},
        {"generation", CelType::int_()},
        {"resourceVersion", str},
        {"finalizers", strings}}},
      {"kubernetes.NamespaceSpec", {{"finalizers", strings}}},
      {"kubernetes.NamespaceStatus",
       {{"conditions", CelType::list(object("kubernetes.NamespaceCondition"))}, {"phase", str}}},
      {"kubernetes.NamespaceCondition",
       {{"status", str},
        {"type", str},
        {"lastTransitionTime", CelType::timestamp()},
        {"message", str},
        {"reason", str}}},
  };
}

// The declared admission types, then (for MutatingAdmissionPolicy) the
// environment's own struct types (Object{...}, JSONPatch{...}).
class AdmissionTypes final : public cel::StructTypeProvider {
 public:
  explicit AdmissionTypes(const cel::StructTypeProvider* more) : types_(declared_types()), more_(more) {}

  bool has_type(std::string_view name) const override {
    return find(name) != nullptr || (more_ != nullptr && more_->has_type(name));
  }
  std::optional<cel::CelType> field_type(std::string_view type, std::string_view field) const override {
    if (const DeclaredType* t = find(type)) {
      for (const DeclaredField& f : t->fields)
        if (f.name == field) return f.type;
      return std::nullopt;
    }
    return more_ != nullptr ? more_->field_type(type, field) : std::nullopt;
  }
  cel::Result make(const std::string& type, Value fields) const override {
    if (find(type) == nullptr && more_ != nullptr) return more_->make(type, std::move(fields));
    return cel::make_error("type " + type + " cannot be constructed");
  }

 private:
  const DeclaredType* find(std::string_view name) const {
    for (const DeclaredType& t : types_)
      if (t.name == name) return &t;
    return nullptr;
  }
  std::vector<DeclaredType> types_;
  const cel::StructTypeProvider* more_;
};

constexpr std::string_view kAuthorizer = "authorizer";

std::vector<std::string> identifiers(bool has_params, bool authorizer) {
  std::vector<std::string> out = {"object", "oldObject", "request", "namespaceObject"};
  // Slots stay fixed: a name that is not declared keeps its slot under a name
  // no expression can reach.
  out.push_back(has_params ? "params" : "@params");
  out.push_back(authorizer ? "authorizer" : "@authorizer");
  out.push_back(authorizer ? "authorizer.requestResource" : "@authorizer.requestResource");
  return out;
}

std::string output_name(OutputType output) {
  switch (output) {
    case OutputType::Bool: return "bool";
    case OutputType::String: return "string";
    default: return "";
  }
}

}  // namespace

PolicyEnvironment::PolicyEnvironment(std::shared_ptr<const cel::Environment> env, bool has_params,
                                     const std::vector<NamedExpression>& variables,
                                     const cel::StructTypeProvider* struct_types)
    : env_(std::move(env)), has_params_(has_params), types_(std::make_unique<AdmissionTypes>(struct_types)) {
  options_.identifiers = identifiers(has_params, true);
  options_.identifier_types = {cel::CelType::dyn(),
                               cel::CelType::dyn(),
                               cel::CelType::opaque(std::string(kRequestType)),
                               cel::CelType::opaque(std::string(kNamespaceType)),
                               cel::CelType::dyn(),
                               cel::authorizer_type(),
                               cel::resource_check_type()};
  options_.struct_types = types_.get();
  for (const NamedExpression& v : variables) {
    // Each variable sees the ones before it.
    CompiledExpression e = compile_with(v.expression, OutputType::Any, options_);
    cel::CelType type = e.ok() ? e.type : cel::CelType::dyn();
    // A later definition of a name replaces the earlier one (§2.6).
    auto same = std::find(variable_names_.begin(), variable_names_.end(), v.name);
    if (same != variable_names_.end()) {
      size_t i = same - variable_names_.begin();
      variables_[i] = std::move(e);
      options_.lazy_variable_types[i] = type;
      continue;
    }
    variables_.push_back(std::move(e));
    variable_names_.push_back(v.name);
    options_.lazy_variables.push_back(v.name);
    options_.lazy_variable_types.push_back(type);
  }
  no_authorizer_options_ = options_;
  no_authorizer_options_.identifiers = identifiers(has_params, false);
}

CompiledExpression PolicyEnvironment::compile(std::string_view text, OutputType output) const {
  return compile_with(text, output, options_);
}

CompiledExpression PolicyEnvironment::compile_without_authorizer(std::string_view text, OutputType output) const {
  return compile_with(text, output, no_authorizer_options_);
}

CompiledExpression PolicyEnvironment::compile_with(std::string_view text, OutputType output,
                                                   const cel::CompileOptions& options) const {
  CompiledExpression e;
  e.text = std::string(text);
  // Over-approximated by the text: binding an unused authorizer costs only time.
  if (text.find(kAuthorizer) != std::string_view::npos) uses_authorizer_ = true;
  cel::CompileResult r = env_->compile(text, options);
  if (!r.ok()) {
    e.error = "compilation failed: " + render_compile_error(text, *r.error);
    return e;
  }
  e.type = r.type;
  cel::TypeKind kind = r.type.kind();
  bool fits = true;
  switch (output) {
    case OutputType::Any: break;
    case OutputType::Bool: fits = kind == cel::TypeKind::Bool; break;
    case OutputType::String: fits = kind == cel::TypeKind::String; break;
    case OutputType::StringOrNull: fits = kind == cel::TypeKind::String || kind == cel::TypeKind::Null; break;
  }
  if (!fits) {
    e.error = output == OutputType::StringOrNull
                  ? "must evaluate to one of [string null_type] but got " + r.type.to_string()
                  : "must evaluate to " + output_name(output) + " but got " + r.type.to_string();
    return e;
  }
  e.program = std::move(r.program);
  return e;
}

const cel::EvalResult& VariableScope::get(size_t index) {
  std::optional<cel::EvalResult>& slot = memo_.at(index);
  if (!slot) {
    const CompiledExpression& e = env_.variables().at(index);
    const std::string& name = env_.variable_names().at(index);
    cel::EvalResult r = run_expression(e, activation_);
    cost_ += r.cost;
    if (!e.ok()) {
      r.error = "composited variable \"" + name + "\" fails to compile: " + e.error;
    } else if (!r.ok() && !r.budget_exceeded) {
      r.error = "composited variable \"" + name + "\" fails to evaluate: " + *r.error;
    }
    slot = std::move(r);
  }
  return *slot;
}

cel::EvalResult run_expression(const CompiledExpression& e, const cel::Activation& activation) {
  if (!e.ok()) {
    cel::EvalResult r;
    r.error = "compilation error: " + e.error;
    return r;
  }
  cel::EvalOptions options;
  options.cost_limit = kPerCallCostLimit;
  return e.program->evaluate(activation, options);
}

std::string expression_error(const CompiledExpression& e, const std::string& error) {
  if (!e.ok()) return error;
  return "expression '" + e.text + "' resulted in error: " + error;
}

namespace {

Value gvk_value(const std::string& group, const std::string& version, std::string_view key, const std::string& name) {
  return Value::object_sorted({{Value::string("group"), Value::string(group)},
                               {Value::string(key), Value::string(name)},
                               {Value::string("version"), Value::string(version)}});
}

bool empty_value(const Value& v) {
  if (v.is_null()) return true;
  if (v.is_string()) return v.as_string().empty();
  if (v.is_array() || v.is_object()) return v.size() == 0;
  return false;
}

}  // namespace

Value request_view(const Value& request, const GroupVersionKind& matched_kind,
                   const GroupVersionResource& matched_resource) {
  std::vector<Value::Entry> entries;
  auto add = [&](std::string_view key, Value v) { entries.emplace_back(Value::string(key), std::move(v)); };
  auto add_if = [&](std::string_view key) {
    const Value* v = request.is_object() ? request.find(key) : nullptr;
    if (v != nullptr && !empty_value(*v)) add(key, *v);
  };
  add("kind", gvk_value(matched_kind.group, matched_kind.version, "kind", matched_kind.kind));
  add("resource", gvk_value(matched_resource.group, matched_resource.version, "resource", matched_resource.resource));
  add_if("subResource");
  const Value& kind = request["requestKind"].is_object() ? request["requestKind"] : request["kind"];
  add("requestKind", gvk_value(std::string(kind["group"].string_or("")), std::string(kind["version"].string_or("")),
                               "kind", std::string(kind["kind"].string_or(""))));
  const Value& resource = request["requestResource"].is_object() ? request["requestResource"] : request["resource"];
  add("requestResource",
      gvk_value(std::string(resource["group"].string_or("")), std::string(resource["version"].string_or("")),
                "resource", std::string(resource["resource"].string_or(""))));
  if (request["requestSubResource"].is_string()) {
    add_if("requestSubResource");
  } else {
    const Value* sub = request.is_object() ? request.find("subResource") : nullptr;
    if (sub != nullptr && !empty_value(*sub)) add("requestSubResource", *sub);
  }
  add_if("name");
  add_if("namespace");
  add("operation", Value::string(request["operation"].string_or("")));
  std::vector<Value::Entry> user;
  const Value& user_info = request["userInfo"];
  for (std::string_view key : {"username", "uid", "groups", "extra"}) {
    const Value* v = user_info.is_object() ? user_info.find(key) : nullptr;
    if (v != nullptr && !empty_value(*v)) user.emplace_back(Value::string(key), *v);
  }
  add("userInfo", Value::object(std::move(user)));
  const Value& dry_run = request["dryRun"];
  add("dryRun", Value::boolean(dry_run.is_bool() && dry_run.as_bool()));
  add_if("options");
  return Value::object(std::move(entries));
}

AuthorizerBinding bind_authorizer(const Value& request, std::shared_ptr<const cel::Authorizer> authorizer) {
  cel::AuthorizationUser user;
  const Value& info = request["userInfo"];
  user.name = std::string(info["username"].string_or(""));
  user.uid = std::string(info["uid"].string_or(""));
  if (const Value& groups = info["groups"]; groups.is_array()) {
    for (const Value& g : groups.items())
      if (g.is_string()) user.groups.push_back(g.as_string());
  }
  if (const Value& extra = info["extra"]; extra.is_object()) {
    for (const auto& [key, values] : extra.entries()) {
      if (!key.is_string() || !values.is_array()) continue;
      std::vector<std::string>& out = user.extra[key.as_string()];
      for (const Value& v : values.items())
        if (v.is_string()) out.push_back(v.as_string());
    }
  }
  AuthorizerBinding out;
  out.authorizer = cel::make_authorizer_value(std::move(authorizer), std::move(user));
  const Value& resource = request["requestResource"].is_object() ? request["requestResource"] : request["resource"];
  const Value& subresource =
      request["requestSubResource"].is_string() ? request["requestSubResource"] : request["subResource"];
  out.request_resource = cel::make_request_resource_check(
      out.authorizer, std::string(resource["group"].string_or("")), std::string(resource["resource"].string_or("")),
      std::string(subresource.string_or("")), std::string(request["namespace"].string_or("")),
      std::string(request["name"].string_or("")));
  return out;
}

}  // namespace tollgate::policies::vap
