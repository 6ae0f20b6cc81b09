#include "rules/rego/trace.h"

namespace tollgate::rego {

namespace {

// OPA pads locations to this width (maxIdentLocationWidth).
constexpr size_t kLocationWidth = 12;

std::string base_name(std::string_view file) {
  size_t slash = file.find_last_of('/');
  return std::string(slash == std::string_view::npos ? file : file.substr(slash + 1));
}

}  // namespace

const char* trace_op_name(TraceOp op) {
  switch (op) {
    case TraceOp::Enter: return "Enter";
    case TraceOp::Exit: return "Exit";
    case TraceOp::Eval: return "Eval";
    case TraceOp::Fail: return "Fail";
    case TraceOp::Redo: return "Redo";
    case TraceOp::Note: return "Note";
  }
  return "";
}

void TextTracer::event(const TraceEvent& e) {
  Line line;
  line.location = (e.file.empty() || e.file == "query" ? std::string("query") : base_name(e.file)) + ":" +
                  std::to_string(e.loc.line);
  if (line.location.size() < kLocationWidth) line.location.append(kLocationWidth - line.location.size(), ' ');
  // Enter sits at its depth, everything else one level inside it.
  int bars = e.op == TraceOp::Enter ? e.depth - 1 : e.depth;
  for (int i = 0; i < bars; ++i) line.body += "| ";
  line.body += trace_op_name(e.op);
  line.body += ' ';
  if (e.op == TraceOp::Note) {
    line.body += '"';
    line.body += e.text;
    line.body += '"';
  } else {
    line.body += e.text;
  }
  lines_.push_back(std::move(line));
}

std::string TextTracer::text() const {
  std::string out;
  for (const auto& l : lines_) {
    out += l.location;
    out += ' ';
    out += l.body;
    out += '\n';
  }
  return out;
}

}  // namespace tollgate::rego
