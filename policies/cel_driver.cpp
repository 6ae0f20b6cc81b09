#include "policies/cel_driver.h"

#include <optional>

#include "rules/value/yaml.h"

namespace tollgate::policies {

using value::Value;

namespace {

// Slots of Activation::identifiers; `params` (the whole constraint) is only
// declared for variables[] expressions.
const std::vector<std::string> kIdentifiers = {"object", "oldObject", "request", "namespaceObject"};
const std::vector<std::string> kVariableIdentifiers = {"object", "oldObject", "request", "namespaceObject", "params"};
// Implicit variables that come before the template's own.
constexpr size_t kAnyObjectSlot = 0;
constexpr size_t kParamsSlot = 1;
constexpr size_t kImplicitVariables = 2;

constexpr size_t kMaxMessageExpressionLength = 5 * 1024;

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// "validations[0].expression" from ".../source/validations/0/expression".
std::string describe_pointer(std::string_view pointer) {
  size_t at = pointer.find("/source/");
  std::string_view tail = at == std::string_view::npos ? pointer : pointer.substr(at + 8);
  std::string out;
  size_t start = 0;
  while (start <= tail.size()) {
    size_t slash = tail.find('/', start);
    std::string_view token = tail.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    bool numeric = !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric) {
      out += '[';
      out.append(token);
      out += ']';
    } else {
      if (!out.empty()) out += '.';
      out += token;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

CelReviewInput CelReviewInput::from_request(const Value& request, const Value* namespace_object) {
  CelReviewInput in;
  in.is_delete = request["operation"].string_or("") == "DELETE";
  if (!in.is_delete) in.object = request["object"];
  in.old_object = request["oldObject"];
  if (request.is_object()) {
    std::vector<Value::Entry> entries;
    entries.reserve(request.entries().size());
    for (const Value::Entry& e : request.entries()) {
      std::string_view key = e.first.string_or("");
      if (key == "object" || key == "oldObject") continue;
      entries.push_back(e);
    }
    in.request = Value::object_sorted(std::move(entries));
  } else {
    in.request = Value::empty_object();
  }
  if (namespace_object != nullptr) in.namespace_object = *namespace_object;
  return in;
}

// `variables.*` of one evaluation: the implicit anyObject and params, then
// the template's variables, each evaluated on first use and memoised with
// its error.
class CelTemplateProgram::Variables : public cel::LazyVariables {
 public:
  Variables(const CelTemplateProgram& program, const CelReviewInput& input, const Constraint& constraint)
      : program_(program), memo_(kImplicitVariables + program.variables_.size()) {
    activation_.identifiers = {input.object, input.old_object, input.request, input.namespace_object, constraint.object};
    activation_.variables = this;
    Value any_object = (input.is_delete && input.object.is_null()) ? input.old_object : input.object;
    memo_[kAnyObjectSlot] = cel::EvalResult{std::move(any_object), std::nullopt, 0};
    memo_[kParamsSlot] = cel::EvalResult{constraint.parameters, std::nullopt, 0};
  }

  const cel::EvalResult& get(size_t index) override {
    std::optional<cel::EvalResult>& slot = memo_.at(index);
    if (!slot) {
      const Expression& e = program_.variables_.at(index - kImplicitVariables);
      cel::EvalResult r = program_.run(e, activation_);
      if (e.program == nullptr) {
        r.error = "composited variable \"" + program_.variable_names_.at(index - kImplicitVariables) +
                  "\" fails to compile: " + e.compile_error;
      }
      slot = std::move(r);
    }
    return *slot;
  }

  const cel::Activation& activation() const { return activation_; }

 private:
  const CelTemplateProgram& program_;
  cel::Activation activation_;
  std::vector<std::optional<cel::EvalResult>> memo_;
};

std::shared_ptr<const CelTemplateProgram> CelTemplateProgram::compile(const CelSource& source,
                                                                      const std::string& template_name,
                                                                      bool defer_compile_errors, ParseContext& ctx) {
  auto env = cel::Environment::kubernetes();
  auto program = std::make_shared<CelTemplateProgram>();
  program->failure_policy_ = source.failure_policy;
  size_t errors_before = ctx.error_count();

  std::vector<std::string> lazy = {"anyObject", "params"};
  auto compile_one = [&](const CelExpressionSource& src, const std::vector<std::string>& identifiers) {
    Expression e;
    e.text = src.text;
    cel::CompileOptions opts;
    opts.identifiers = identifiers;
    opts.lazy_variables = lazy;
    cel::CompileResult r = env->compile(src.text, opts);
    if (r.ok()) {
      e.program = r.program;
      return e;
    }
    const cel::CompileError& err = *r.error;
    std::string where = "<input>:" + std::to_string(err.line) + ":" + std::to_string(err.column);
    if (defer_compile_errors) {
      e.compile_error = "compilation error: compilation failed: ERROR: " + where + ": " + err.message;
    } else {
      ctx.error(src.pointer, "template " + template_name + ": " + describe_pointer(src.pointer) +
                                 ": CEL compile error at " + std::to_string(err.line) + ":" +
                                 std::to_string(err.column) + ": " + err.message);
    }
    return e;
  };

  // A variable sees the implicit variables and the template variables
  // declared before it.
  for (const CelSource::Variable& v : source.variables) {
    program->variables_.push_back(compile_one(v.expression, kVariableIdentifiers));
    program->variable_names_.push_back(v.name);
    lazy.push_back(v.name);
  }
  for (const CelSource::MatchCondition& m : source.match_conditions) {
    program->match_conditions_.push_back(compile_one(m.expression, kIdentifiers));
  }
  for (const CelSource::Validation& v : source.validations) {
    Validation out;
    out.expression = compile_one(v.expression, kIdentifiers);
    out.message = std::string(trim(v.message));
    if (v.message_expression) {
      out.has_message_expression = true;
      out.message_expression = compile_one(*v.message_expression, kIdentifiers);
    }
    program->validations_.push_back(std::move(out));
  }

  if (ctx.error_count() != errors_before) return nullptr;
  return program;
}

namespace {
// The k8s wording of an evaluation error of one expression.
std::string expression_error(const std::string& text, const std::string& error, bool compiled) {
  if (!compiled) return error;  // already "compilation error: ..."
  return "expression '" + text + "' resulted in error: " + error;
}
}  // namespace

cel::EvalResult CelTemplateProgram::run(const Expression& e, const cel::Activation& activation) const {
  if (e.program == nullptr) {
    cel::EvalResult r;
    r.error = e.compile_error;
    return r;
  }
  cel::EvalOptions options;
  options.cost_limit = kPerCallCostLimit;
  cel::EvalResult r = e.program->evaluate(activation, options);
  if (r.budget_exceeded) value::fail_request_on_budget_error(expression_error(e.text, *r.error, true));
  return r;
}

void CelTemplateProgram::fail(std::string error, std::vector<std::string>& messages) const {
  if (failure_policy_ == FailurePolicy::Fail) messages.push_back(std::move(error));
}

bool CelTemplateProgram::stopped(const Expression& e, const cel::EvalResult& r, std::vector<std::string>& messages) {
  if (!r.budget_exceeded) return false;
  // Never ignored, whatever the failure policy: an expression stopped for its
  // budget decided nothing, and ignoring it would let anything through.
  messages.push_back(expression_error(e.text, *r.error, true));
  return true;
}

void CelTemplateProgram::evaluate(const CelReviewInput& input, const Constraint& constraint,
                                  std::vector<std::string>& messages) const {
  Variables variables(*this, input, constraint);
  const cel::Activation& activation = variables.activation();

  // matchCondition: any false skips the template; errors without a false
  // follow the failure policy.
  std::vector<std::string> match_errors;
  for (const Expression& m : match_conditions_) {
    cel::EvalResult r = run(m, activation);
    if (stopped(m, r, messages)) return;
    if (!r.ok()) {
      match_errors.push_back(expression_error(m.text, *r.error, m.program != nullptr));
      continue;
    }
    if (r.value.is_bool() && !r.value.as_bool()) return;
  }
  if (!match_errors.empty()) {
    if (match_errors.size() == 1) {
      fail(std::move(match_errors.front()), messages);
    } else {
      std::string joined = "[";
      for (size_t i = 0; i < match_errors.size(); ++i) joined += (i ? ", " : "") + match_errors[i];
      fail(joined + "]", messages);
    }
    return;
  }

  uint64_t spent = 0;
  auto over_budget = [&](const cel::EvalResult& r) {
    spent += r.cost;
    if (spent <= kEvaluationCostBudget) return false;
    fail("validation failed due to running out of cost budget, no further validation rules will be run", messages);
    return true;
  };

  for (const Validation& v : validations_) {
    cel::EvalResult r = run(v.expression, activation);
    if (stopped(v.expression, r, messages)) return;
    if (over_budget(r)) return;
    if (!r.ok()) {
      fail(expression_error(v.expression.text, *r.error, v.expression.program != nullptr), messages);
      continue;
    }
    if (r.value.is_bool() && r.value.as_bool()) continue;

    std::string message;
    if (v.has_message_expression) {
      cel::EvalResult m = run(v.message_expression, activation);
      if (stopped(v.message_expression, m, messages)) return;
      if (over_budget(m)) return;
      // A messageExpression that errors, is not a string, is blank, spans
      // lines or is too long is dropped (Kubernetes only logs it).
      if (m.ok() && m.value.is_string()) {
        std::string_view text = trim(m.value.as_string());
        if (!text.empty() && text.size() <= kMaxMessageExpressionLength && text.find('\n') == std::string_view::npos) {
          message = std::string(text);
        }
      }
    }
    if (message.empty()) message = v.message;
    if (message.empty()) message = "failed expression: " + std::string(trim(v.expression.text));
    messages.push_back(std::move(message));
  }
}

}  // namespace tollgate::policies
