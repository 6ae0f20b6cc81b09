// `with` (rego-notes.md §5 "with"): the literal, and everything it calls,
// runs with input / data documents or functions replaced; the rest of the
// body runs without. Rule values computed under a replacement are kept in a
// memo of their own.
#include "rules/rego/eval/evaluator.h"

namespace tollgate::rego::eval {

bool Evaluator::eval_with(const ir::Expr& e, size_t i, const Value** values, Frame f, Next k) {
  if (i == e.with.size()) return apply_with(e, values, f, k);
  const ir::WithClause& w = e.with[i];
  if (w.replacement_builtin != nullptr || w.replacement_function != nullptr) {
    values[i] = nullptr;
    return eval_with(e, i + 1, values, f, k);
  }
  return eval_term(w.value, f, [&](const Value& v) {
    values[i] = &v;
    return eval_with(e, i + 1, values, f, k);
  });
}

bool Evaluator::apply_with(const ir::Expr& e, const Value** values, Frame f, Next k) {
  const State saved = state_;
  const size_t n = e.with.size();
  std::vector<DataOverride> data_overrides(n);
  std::vector<FunctionOverride> function_overrides(n);
  Value input = saved.input != nullptr ? *saved.input : Value();
  bool input_replaced = false;
  for (size_t i = 0; i < n; ++i) {
    const ir::WithClause& w = e.with[i];
    switch (w.kind) {
      case ir::WithClause::Kind::Input:
        input = set_path(input, w.path, *values[i]);
        input_replaced = true;
        break;
      case ir::WithClause::Kind::Data:
        data_overrides[i] = DataOverride{&w.path, values[i], state_.data_overrides};
        state_.data_overrides = &data_overrides[i];
        break;
      case ir::WithClause::Kind::Function:
        function_overrides[i] = FunctionOverride{w.target, values[i], w.replacement_builtin,
                                                 w.replacement_function, state_.function_overrides};
        state_.function_overrides = &function_overrides[i];
        break;
    }
  }
  if (input_replaced) state_.input = &input;
  Memo memo;
  state_.memo = &memo;
  const State inside = state_;
  bool go = eval_plain(e, f, [&] {
    state_ = saved;
    bool more = k();
    state_ = inside;
    return more;
  });
  state_ = saved;
  return go;
}

}  // namespace tollgate::rego::eval
