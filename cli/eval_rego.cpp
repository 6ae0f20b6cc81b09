#include "cli/eval_rego.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "policies/gator/review_builder.h"
#include "policies/rego_driver.h"
#include "policies/review_request.h"
#include "rules/rego/parser.h"
#include "rules/rego/rego.h"
#include "rules/rego/trace.h"
#include "rules/value/json.h"
#include "rules/value/yaml.h"

namespace tollgate::cli {

using value::Value;
namespace fs = std::filesystem;

namespace {

// The whole of a file ("-" = stdin).
bool read_document_text(const std::string& path, CommandIo& io, std::string* out, std::string* error) {
  std::string& text = *out;
  if (path == "-") {
    std::ostringstream buffer;
    buffer << io.in.rdbuf();
    text = buffer.str();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      *error = "cannot open " + path;
      return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  return true;
}

bool parse_one_document(const std::string& path, const std::string& text, Value* out, std::string* error) {
  std::vector<value::YamlDocument> documents;
  value::YamlError yaml_error;
  if (!value::parse_yaml(text, &documents, &yaml_error)) {
    *error = path + ":" + std::to_string(yaml_error.location.line) + ":" + std::to_string(yaml_error.location.column) +
             ": " + yaml_error.message;
    return false;
  }
  if (documents.size() != 1) {
    *error = path + ": expected exactly one document, found " + std::to_string(documents.size());
    return false;
  }
  *out = documents.front().value;
  return true;
}

// The Rego input document as `opa eval -i` reads it: JSON with its number
// text kept (OPA decodes with UseNumber: 1.0 stays 1.0, 1e2 stays 1e2);
// anything else is YAML, as read_document reads it.
bool read_rego_input(const std::string& path, CommandIo& io, Value* out, std::string* error) {
  std::string text;
  if (!read_document_text(path, io, &text, error)) return false;
  value::JsonError json_error;
  if (value::parse_json_keeping_number_text(text, out, &json_error)) return true;
  return parse_one_document(path, text, out, error);
}

}  // namespace

bool read_document(const std::string& path, CommandIo& io, Value* out, std::string* error) {
  std::string text;
  return read_document_text(path, io, &text, error) && parse_one_document(path, text, out, error);
}

namespace {

bool read_text(const std::string& path, std::string* text, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *text = buffer.str();
  return true;
}

// Puts `doc` at `path` below `root` (an object), merging objects.
Value merge_at(const Value& root, const std::vector<std::string>& path, size_t i, const Value& doc) {
  if (i == path.size()) {
    if (!root.is_object() || !doc.is_object()) return doc;
    Value merged = root;
    for (const auto& [k, v] : doc.entries()) {
      const Value* existing = merged.find(k);
      merged = value::with_entry(merged, k, existing ? merge_at(*existing, {}, 0, v) : v);
    }
    return merged;
  }
  const Value* child = root.is_object() ? root.find(path[i]) : nullptr;
  Value base = root.is_object() ? root : Value::empty_object();
  return value::with_entry(base, path[i], merge_at(child ? *child : Value::empty_object(), path, i + 1, doc));
}

struct EvalInputs {
  std::vector<rego::ModuleSource> modules;
  Value data = Value::empty_object();
};

bool is_constraint_template(const Value& doc) {
  return doc["kind"].string_or("") == "ConstraintTemplate" &&
         doc["apiVersion"].string_or("").rfind("templates.gatekeeper.sh/", 0) == 0;
}

// A ConstraintTemplate contributes its Rego (the code entry, else the legacy field) and libs.
void add_template_modules(const std::string& file, const Value& tmpl, EvalInputs& inputs) {
  for (const Value& target : tmpl["spec"]["targets"].is_array() ? tmpl["spec"]["targets"].items() : std::vector<Value>{}) {
    const Value* source = &target;
    std::optional<rego::RegoVersion> version = rego::RegoVersion::V0;
    if (const Value* code = target.find("code"); code && code->is_array()) {
      for (const Value& entry : code->items()) {
        if (entry["engine"].string_or("") == "Rego") {
          source = &entry["source"];
          if ((*source)["version"].string_or("") == "v1") version = rego::RegoVersion::V1;
        }
      }
    }
    std::string_view rego = (*source)["rego"].string_or("");
    if (!rego.empty()) inputs.modules.push_back({file + "#rego", std::string(rego), version});
    const Value& libs = (*source)["libs"];
    if (libs.is_array()) {
      for (size_t i = 0; i < libs.items().size(); ++i) {
        inputs.modules.push_back({file + "#libs/" + std::to_string(i), std::string(libs.items()[i].string_or("")), version});
      }
    }
  }
}

bool add_file(const fs::path& file, const std::vector<std::string>& data_path, EvalInputs& inputs, std::string* error) {
  std::string text;
  if (!read_text(file.string(), &text, error)) return false;
  std::string ext = file.extension().string();
  if (ext == ".rego") {
    inputs.modules.push_back({file.string(), std::move(text), std::nullopt});
    return true;
  }
  if (ext == ".json") {
    // opa loads a .json data file with UseNumber, as it reads -i input: a
    // number keeps its text (1.0, 2.50, 1e2). Anything that is not JSON gets
    // the YAML reader's error below.
    Value doc;
    value::JsonError json_error;
    if (value::parse_json_keeping_number_text(text, &doc, &json_error)) {
      if (is_constraint_template(doc)) {
        add_template_modules(file.string(), doc, inputs);
      } else {
        inputs.data = merge_at(inputs.data, data_path, 0, doc);
      }
      return true;
    }
  }
  std::vector<value::YamlDocument> docs;
  value::YamlError yaml_error;
  if (!value::parse_yaml(text, &docs, &yaml_error)) {
    *error = file.string() + ":" + std::to_string(yaml_error.location.line) + ":" +
             std::to_string(yaml_error.location.column) + ": " + yaml_error.message;
    return false;
  }
  for (const value::YamlDocument& doc : docs) {
    if (is_constraint_template(doc.value)) {
      add_template_modules(file.string(), doc.value, inputs);
    } else {
      inputs.data = merge_at(inputs.data, data_path, 0, doc.value);
    }
  }
  return true;
}

bool add_data_path(const std::string& path, EvalInputs& inputs, std::string* error) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::string ext = it->path().extension().string();
      if (it->is_regular_file() && (ext == ".rego" || ext == ".json" || ext == ".yaml" || ext == ".yml")) {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      // Data files sit at their folder's path below data, as opa loads them.
      std::vector<std::string> data_path;
      for (const auto& part : fs::relative(f.parent_path(), path)) {
        if (part != ".") data_path.push_back(part.string());
      }
      if (!add_file(f, data_path, inputs, error)) return false;
    }
    return true;
  }
  if (!fs::exists(path, ec)) {
    *error = "no such file or directory: " + path;
    return false;
  }
  return add_file(path, {}, inputs, error);
}

// The Gatekeeper input for an object (or AdmissionReview) and a Constraint.
bool gatekeeper_input(const Value& object, const Value& constraint, Value* input, std::string* error) {
  Value request;
  if (policies::gator::is_admission_review(object)) {
    if (!policies::gator::request_from_admission_review(object, &request, error)) return false;
  } else {
    request = policies::admission_request_for_object(object);
  }
  const Value* params = constraint["spec"].find("parameters");
  value::ObjectBuilder built;
  built.add("review", policies::rego_review(request, nullptr));
  built.add("parameters", params != nullptr ? *params : Value::empty_object());
  *input = built.build();
  return true;
}

void print_errors(const std::vector<rego::Error>& errors, CommandIo& io) {
  for (const rego::Error& e : errors) io.err << e.to_string() << "\n";
}

}  // namespace

int run_rego_eval(const ParsedArgs& parsed, CommandIo& io) {
  if (parsed.positional.size() != 1) {
    io.err << "Error: eval needs exactly one QUERY (or --cel EXPR)\n";
    return 2;
  }
  const std::string query = parsed.positional[0];
  std::string error;
  EvalInputs inputs;
  for (const std::string& path : parsed.values("data")) {
    if (!add_data_path(path, inputs, &error)) {
      io.err << "Error: reading " << path << ": " << error << "\n";
      return 1;
    }
  }

  rego::QueryOptions options;
  options.data = inputs.data;
  if (parsed.has("input")) {
    Value input;
    // With --constraint the object is decoded as Gatekeeper decodes a request
    // (numbers as float64), otherwise as `opa eval -i` reads its input.
    const bool as_opa = !parsed.has("constraint");
    if (!(as_opa ? read_rego_input : read_document)(parsed.value("input"), io, &input, &error)) {
      io.err << "Error: reading input: " << error << "\n";
      return 1;
    }
    if (parsed.has("constraint")) {
      Value constraint;
      if (!read_document(parsed.value("constraint"), io, &constraint, &error) ||
          !gatekeeper_input(input, constraint, &input, &error)) {
        io.err << "Error: reading constraint: " << error << "\n";
        return 1;
      }
    }
    options.input = input;
  } else if (parsed.has("constraint")) {
    io.err << "Error: --constraint needs -i OBJECT\n";
    return 2;
  }

  rego::CompileOptions compile_options;
  compile_options.strip_print = false;
  rego::CompileResult compiled = rego::compile(inputs.modules, compile_options);
  if (!compiled.errors.empty()) {
    print_errors(compiled.errors, io);
    return 1;
  }

  // A query that is one plain expression reports that expression's value, as
  // opa eval does; it is evaluated bound to a variable of its own.
  std::vector<rego::Error> parse_errors;
  std::optional<rego::Query> parsed_query = rego::parse_query(query, rego::RegoVersion::V1, parse_errors);
  if (!parsed_query) {
    print_errors(parse_errors, io);
    return 1;
  }
  constexpr const char* kValueVar = "__tollgate_eval_value__";
  bool single_term = parsed_query->exprs.size() == 1 && parsed_query->exprs[0].kind == rego::ExprKind::Term &&
                     !parsed_query->exprs[0].negated && parsed_query->exprs[0].with.empty();
  // The query as written is compiled and type-checked as opa eval's query
  // compiler does (`lower(5)`: rego_type_error, at the query's own columns);
  // a single expression is then bound to a variable of its own.
  rego::PreparedQuery::Prepared prepared =
      rego::PreparedQuery::prepare(compiled.policy, query, rego::RegoVersion::V1, /*check_types=*/true);
  if (prepared.query && single_term) {
    prepared = rego::PreparedQuery::prepare(compiled.policy, std::string(kValueVar) + " = (" + query + ")");
  }
  if (!prepared.query) {
    print_errors(prepared.errors, io);
    return 1;
  }

  rego::TextTracer tracer;
  if (parsed.flag("explain")) options.tracer = &tracer;
  rego::QueryResult result = prepared.query->run(options);
  if (parsed.flag("explain")) io.out << tracer.text();
  for (const std::string& line : tracer.printed()) io.err << line << "\n";
  if (result.error) {
    io.err << result.error->opa_text() << "\n";  // as opa eval prints it: file:line, no column
    return 1;
  }

  std::vector<Value> rows;
  for (const auto& row : result.rows) {
    std::vector<Value::Entry> bindings;
    Value expression_value = Value::boolean(true);
    for (const auto& [name, v] : row) {
      if (name == kValueVar) {
        expression_value = v;
      } else {
        bindings.emplace_back(Value::string(name), v);
      }
    }
    if (single_term && expression_value.is_bool() && !expression_value.as_bool()) continue;  // false fails the query
    value::ObjectBuilder location;
    location.add("row", Value::integer(1)).add("col", Value::integer(1));
    value::ObjectBuilder expression;
    expression.add("value", expression_value).add("text", Value::string(query)).add("location", location.build());
    value::ObjectBuilder row_object;
    row_object.add("expressions", Value::array({expression.build()}));
    if (!bindings.empty()) row_object.add("bindings", Value::object(std::move(bindings)));
    rows.push_back(row_object.build());
  }
  value::ObjectBuilder out;
  if (!rows.empty()) out.add("result", Value::array(std::move(rows)));
  io.out << value::to_json_pretty(out.build()) << "\n";
  return 0;
}

}  // namespace tollgate::cli
