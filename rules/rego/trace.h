// Evaluation tracing for `tollgate eval --explain`: the evaluator reports
// what it does (OPA's trace ops) to a Tracer; TextTracer prints the events
// the way `opa eval --explain=full` does:
//
//   query:1     Enter data.k8srequiredlabels.violation[v]
//   query:1     | Eval data.k8srequiredlabels.violation[v]
//   policy.rego:8 | Enter data.k8srequiredlabels.violation
//   policy.rego:9 | | Eval provided := {label | input.review.object.metadata.labels[label]}
//   policy.rego:12 | | Fail not provided[label]
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/ast.h"

namespace tollgate::rego {

enum class TraceOp { Enter, Exit, Eval, Fail, Redo, Note };

const char* trace_op_name(TraceOp op);

struct TraceEvent {
  TraceOp op = TraceOp::Eval;
  std::string_view file;  // "" for the query
  Location loc;
  std::string_view text;  // expression text, rule name (Enter/Exit of rules), query text, or note
  int depth = 1;          // 1 = the query
};

class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual void event(const TraceEvent& e) = 0;
  // Output of print() (when print calls are kept: CompileOptions::strip_print = false).
  virtual void print(std::string_view line) {}
};

// Collects events and renders them as OPA's pretty trace with locations.
class TextTracer : public Tracer {
 public:
  void event(const TraceEvent& e) override;
  void print(std::string_view line) override { printed_.emplace_back(line); }

  // One line per event: "<file>:<line> <"| " per depth> <Op> <text>".
  std::string text() const;
  const std::vector<std::string>& printed() const { return printed_; }
  size_t size() const { return lines_.size(); }

 private:
  struct Line {
    std::string location;
    std::string body;
  };
  std::vector<Line> lines_;
  std::vector<std::string> printed_;
};

}  // namespace tollgate::rego
