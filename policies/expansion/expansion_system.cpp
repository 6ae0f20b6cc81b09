#include "policies/expansion/expansion_system.h"

#include <algorithm>
#include <functional>

#include "policies/mutation/mutation_system.h"
#include "policies/review_request.h"
#include "rules/value/json.h"

namespace tollgate::policies::expansion {

using value::Value;

std::string ExpansionSystem::upsert(ExpansionTemplate t) {
  std::string invalid = validate_expansion_template(t);
  if (!invalid.empty()) return invalid;
  std::string name = t.name;
  auto it = std::lower_bound(templates_.begin(), templates_.end(), name,
                             [](const Stored& s, const std::string& n) { return s.t.name < n; });
  if (it != templates_.end() && it->t.name == name) {
    it->t = std::move(t);
  } else {
    templates_.insert(it, Stored{std::move(t), false});
  }
  flag_cycles();
  return conflicting(name) ? kCycleError : "";
}

bool ExpansionSystem::conflicting(std::string_view name) const {
  for (const Stored& s : templates_) {
    if (s.t.name == name) return s.conflicting;
  }
  return false;
}

// A template is on a cycle when it belongs to a strongly connected
// component of more than one template, an edge A -> B meaning that A
// generates a GVK B applies to (Tarjan's algorithm; templates are few).
void ExpansionSystem::flag_cycles() {
  const size_t n = templates_.size();
  std::vector<std::vector<size_t>> edges(n);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      if (a != b && templates_[b].t.applies_to(templates_[a].t.generated)) edges[a].push_back(b);
    }
  }
  std::vector<int> index(n, -1), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<size_t> stack;
  int counter = 0;
  std::function<void(size_t)> connect = [&](size_t v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    for (size_t w : edges[v]) {
      if (index[w] < 0) {
        connect(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack[w]) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] != index[v]) return;
    std::vector<size_t> component;
    size_t w;
    do {
      w = stack.back();
      stack.pop_back();
      on_stack[w] = false;
      component.push_back(w);
    } while (w != v);
    for (size_t member : component) templates_[member].conflicting = component.size() > 1;
  };
  for (size_t v = 0; v < n; ++v) {
    if (index[v] < 0) connect(v);
  }
}

std::vector<const ExpansionTemplate*> ExpansionSystem::templates_for(const GroupVersionKind& gvk) const {
  std::vector<const ExpansionTemplate*> out;
  for (const Stored& s : templates_) {
    if (!s.conflicting && s.t.applies_to(gvk)) out.push_back(&s.t);
  }
  return out;
}

namespace {

// Go's %T of a decoded JSON value, for accessor errors.
const char* go_type(const Value& v) {
  switch (v.kind()) {
    case value::Kind::Null: return "<nil>";
    case value::Kind::Bool: return "bool";
    case value::Kind::String: return "string";
    case value::Kind::Array: return "[]interface {}";
    case value::Kind::Object: return "map[string]interface {}";
    case value::Kind::Int:
    case value::Kind::Uint: return "int64";
    default: return "float64";
  }
}

std::string lowercase(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

Value with_metadata_entry(const Value& object, std::string_view key, const Value* entry) {
  const Value& meta = object["metadata"];
  Value base = meta.is_object() ? meta : Value::empty_object();
  Value new_meta = entry != nullptr ? value::with_entry(base, key, *entry) : value::without_entry(base, key);
  return value::with_entry(object, "metadata", std::move(new_meta));
}

}  // namespace

bool ExpansionSystem::expand_one(const Value& generator, const ExpandRequest& request,
                                 const mutation::MutationSystem* mutation, std::vector<Resultant>* children,
                                 std::string* error) const {
  std::string generator_name(generator["metadata"]["name"].string_or(""));
  GroupVersionKind gvk = gvk_of(generator);
  if (gvk.group.empty() && gvk.version.empty() && gvk.kind.empty()) {
    *error = "cannot expand resource " + generator_name + " with empty GVK";
    return false;
  }
  for (const ExpansionTemplate* t : templates_for(gvk)) {
    // Walk the template source; every step must be an object.
    const Value* at = &generator;
    std::string walked;
    for (const std::string& segment : t->source_path) {
      walked += "." + segment;
      const Value* next = at->is_object() ? at->find(segment) : nullptr;
      if (next == nullptr) {
        *error = "could not find source field \"" + t->template_source + "\" in resource " + generator_name;
        return false;
      }
      if (!next->is_object()) {
        *error = "could not extract source field from unstructured: " + walked + " accessor error: " +
                 value::to_json(*next) + " is of the type " + go_type(*next) + ", expected map[string]interface{}";
        return false;
      }
      at = next;
    }
    Value resultant = *at;
    resultant = value::with_entry(resultant, "apiVersion", Value::string(t->generated.api_version()));
    resultant = value::with_entry(resultant, "kind", Value::string(t->generated.kind));

    if (!request.namespace_object.is_null()) {
      std::string_view ns = request.namespace_object["metadata"]["name"].string_or("");
      Value name = Value::string(ns);
      resultant = with_metadata_entry(resultant, "namespace", ns.empty() ? nullptr : &name);
    } else if (const Value* ns = generator["metadata"].is_object() ? generator["metadata"].find("namespace") : nullptr) {
      if (!ns->is_string()) {
        *error = "could not extract namespace field \"" + t->template_source + "\" in parent resource " + generator_name;
        return false;
      }
      resultant = with_metadata_entry(resultant, "namespace", ns->as_string().empty() ? nullptr : ns);
    }
    std::string name = generator_name + (t->generated.kind.empty() ? "" : "-" + t->generated.kind);
    Value name_value = Value::string(lowercase(std::move(name)));
    resultant = with_metadata_entry(resultant, "name", &name_value);

    if (mutation != nullptr) {
      mutation::MutationRequest m;
      m.object = resultant;
      m.request = admission_request_for_object(resultant);
      if (!request.username.empty()) {
        m.request = value::with_entry(m.request, "userInfo",
                                      Value::object({{Value::string("username"), Value::string(request.username)}}));
      }
      m.namespace_object = request.namespace_object;
      m.source = "Generated";
      mutation::MutationResult mutated = mutation->mutate(m);
      if (mutated.failed) {
        *error = "failed to mutate resultant resource " + std::string(resultant["metadata"]["name"].string_or("")) +
                 ": " + mutated.error;
        return false;
      }
      resultant = std::move(mutated.object);
    }
    children->push_back(Resultant{std::move(resultant), t->name, t->enforcement_action});
  }
  return true;
}

bool ExpansionSystem::expand_recursive(const Value& base, int depth, const ExpandRequest& request,
                                       const mutation::MutationSystem* mutation, std::vector<Resultant>* out,
                                       std::string* error) const {
  if (depth >= kMaxRecursionDepth) {
    *error = "maximum recursion depth of " + std::to_string(kMaxRecursionDepth) + " reached";
    return false;
  }
  std::vector<Resultant> children;
  if (!expand_one(base, request, mutation, &children, error)) return false;
  for (const Resultant& child : children) {
    if (!expand_recursive(child.object, depth + 1, request, mutation, out, error)) return false;
  }
  for (Resultant& child : children) out->push_back(std::move(child));
  return true;
}

bool ExpansionSystem::expand(const ExpandRequest& request, const mutation::MutationSystem* mutation,
                             std::vector<Resultant>* out, std::string* error) const {
  if (templates_.empty()) return true;
  std::vector<Resultant> all;
  if (!expand_recursive(request.generator, 0, request, mutation, &all, error)) return false;
  for (Resultant& r : all) out->push_back(std::move(r));
  return true;
}

}  // namespace tollgate::policies::expansion
