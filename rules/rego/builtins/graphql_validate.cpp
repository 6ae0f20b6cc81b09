#include "rules/rego/builtins/graphql_validate.h"

#include <algorithm>
#include <map>
#include <set>

namespace tollgate::rego::graphql {

namespace {

[[noreturn]] void fail_at(const Value& node, std::string message) {
  int line = 0, column = 0;
  position_of(node, &line, &column);
  throw GraphQLError(std::move(message), line, column);
}

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool flag(const Value& node, std::string_view key) {
  const Value* v = node.find(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

int value_kind(const Value& v) {
  const Value* k = v.find("Kind");
  if (k == nullptr || !k->is_number()) return -1;
  return static_cast<int>(k->to_double());
}

// The introspection fields every query root has.
const std::vector<Value>& meta_fields() {
  static const std::vector<Value> fields = [] {
    Value doc = parse_schema_document("type Meta { __schema: __Schema! __type(name: String!): __Type }");
    return node_list(node_list(doc, "Definitions").at(0), "Fields");
  }();
  return fields;
}

struct VariableUse {
  std::string name;
  Value location_type;  // null when the position's type is unknown
  bool location_has_default = false;
  Value node;
};

// What walking one operation or fragment collects.
struct Collected {
  std::vector<VariableUse> uses;
  std::vector<std::string> spreads;
};

class QueryValidator {
 public:
  QueryValidator(const Schema& schema, const Value& document) : schema_(schema), document_(document) {}

  void run() {
    std::vector<Value> operations = node_list(document_, "Operations");
    std::vector<Value> fragments = node_list(document_, "Fragments");
    for (const Value& f : fragments) {
      std::string name = node_string(f, "Name");
      if (!fragments_.emplace(name, f).second) fail_at(f, "There can be only one fragment named " + quote(name) + ".");
    }
    std::set<std::string> operation_names;
    for (const Value& op : operations) {
      std::string name = node_string(op, "Name");
      if (name.empty() && operations.size() > 1) {
        fail_at(op, "This anonymous operation must be the only defined operation.");
      }
      if (!name.empty() && !operation_names.insert(name).second) {
        fail_at(op, "There can be only one operation named " + quote(name) + ".");
      }
    }
    for (const Value& f : fragments) check_fragment(f);
    check_fragment_cycles();
    for (const Value& op : operations) check_operation(op);
    for (const Value& f : fragments) {
      std::string name = node_string(f, "Name");
      if (used_fragments_.count(name) == 0) fail_at(f, "Fragment " + quote(name) + " is never used.");
    }
  }

 private:
  void check_fragment(const Value& fragment) {
    std::string name = node_string(fragment, "Name");
    std::string condition = node_string(fragment, "TypeCondition");
    const TypeDefinition* type = schema_.type(condition);
    if (type == nullptr) fail_at(fragment, "Unknown type " + quote(condition) + ".");
    if (!type->is_composite()) {
      fail_at(fragment, "Fragment " + quote(name) + " cannot condition on non composite type " + quote(condition) + ".");
    }
    Collected& collected = fragment_collected_[name];
    check_directives(node_list(fragment, "Directives"), "FRAGMENT_DEFINITION", collected);
    check_selections(node_list(fragment, "SelectionSet"), type, collected);
  }

  void check_fragment_cycles() {
    for (const auto& [name, fragment] : fragments_) {
      std::set<std::string> visiting;
      if (reaches(name, name, visiting)) fail_at(fragment, "Cannot spread fragment " + quote(name) + " within itself.");
    }
  }

  bool reaches(const std::string& from, const std::string& target, std::set<std::string>& seen) {
    for (const std::string& spread : fragment_collected_[from].spreads) {
      if (spread == target) return true;
      if (seen.insert(spread).second && reaches(spread, target, seen)) return true;
    }
    return false;
  }

  void check_operation(const Value& op) {
    std::string operation = node_string(op, "Operation");
    std::string op_name = node_string(op, "Name");
    const std::string& root = operation == "mutation"       ? schema_.mutation
                              : operation == "subscription" ? schema_.subscription
                                                            : schema_.query;
    const TypeDefinition* root_type = schema_.type(root);
    if (root.empty() || root_type == nullptr) {
      fail_at(op, "Schema does not support operation type " + quote(operation));
    }
    Collected collected;
    std::map<std::string, Value> variables;
    for (const Value& var : node_list(op, "VariableDefinitions")) {
      std::string name = node_string(var, "Variable");
      if (!variables.emplace(name, var).second) {
        fail_at(var, "There can be only one variable named " + quote("$" + name) + ".");
      }
      const Value& type = var["Type"];
      const TypeDefinition* named = schema_.type(named_type_of(type));
      if (named == nullptr) fail_at(var, "Unknown type " + quote(named_type_of(type)) + ".");
      if (!named->is_input()) {
        fail_at(var, "Variable " + quote("$" + name) + " cannot be non-input type " + quote(type_string(type)) + ".");
      }
      if (const Value* def = var.find("DefaultValue"); def != nullptr && def->is_object()) {
        check_value(*def, &type, collected);
      }
      check_directives(node_list(var, "Directives"), "VARIABLE_DEFINITION", collected);
    }
    std::string location = operation == "mutation" ? "MUTATION" : operation == "subscription" ? "SUBSCRIPTION" : "QUERY";
    check_directives(node_list(op, "Directives"), location, collected);
    check_selections(node_list(op, "SelectionSet"), root_type, collected);

    std::vector<VariableUse> uses = collected.uses;
    std::set<std::string> seen;
    std::vector<std::string> pending = collected.spreads;
    while (!pending.empty()) {
      std::string name = pending.back();
      pending.pop_back();
      if (!seen.insert(name).second) continue;
      used_fragments_.insert(name);
      const Collected& f = fragment_collected_[name];
      uses.insert(uses.end(), f.uses.begin(), f.uses.end());
      pending.insert(pending.end(), f.spreads.begin(), f.spreads.end());
    }

    std::set<std::string> used;
    for (const VariableUse& use : uses) {
      used.insert(use.name);
      auto it = variables.find(use.name);
      if (it == variables.end()) {
        fail_at(use.node, op_name.empty()
                              ? "Variable " + quote("$" + use.name) + " is not defined."
                              : "Variable " + quote("$" + use.name) + " is not defined by operation " +
                                    quote(op_name) + ".");
      }
      if (!use.location_type.is_null()) {
        const Value& var_type = it->second["Type"];
        bool has_default = it->second.find("DefaultValue") != nullptr;
        if (!allowed_in_position(var_type, has_default, use.location_type, use.location_has_default)) {
          fail_at(use.node, "Variable " + quote("$" + use.name) + " of type " + quote(type_string(var_type)) +
                                " used in position expecting type " + quote(type_string(use.location_type)) + ".");
        }
      }
    }
    for (const auto& [name, var] : variables) {
      if (used.count(name) != 0) continue;
      fail_at(var, op_name.empty() ? "Variable " + quote("$" + name) + " is never used."
                                   : "Variable " + quote("$" + name) + " is never used in operation " +
                                         quote(op_name) + ".");
    }
  }

  static bool allowed_in_position(const Value& var_type, bool var_has_default, const Value& location_type,
                                  bool location_has_default) {
    if (flag(location_type, "NonNull") && !flag(var_type, "NonNull")) {
      if (!var_has_default && !location_has_default) return false;
      Value nullable = value::with_entry(location_type, "NonNull", Value::boolean(false));
      return is_subtype(var_type, nullable);
    }
    return is_subtype(var_type, location_type);
  }

  static bool is_subtype(const Value& sub, const Value& super) {
    if (flag(super, "NonNull")) {
      if (!flag(sub, "NonNull")) return false;
    }
    const Value* sub_elem = sub.find("Elem");
    const Value* super_elem = super.find("Elem");
    bool sub_list = sub_elem != nullptr && sub_elem->is_object();
    bool super_list = super_elem != nullptr && super_elem->is_object();
    if (super_list) return sub_list && is_subtype(*sub_elem, *super_elem);
    if (sub_list) return false;
    return node_string(sub, "NamedType") == node_string(super, "NamedType");
  }

  const TypeDefinition* string_type() const { return schema_.type("String"); }

  void check_selections(const std::vector<Value>& selections, const TypeDefinition* parent, Collected& collected) {
    for (const Value& selection : selections) {
      if (selection.find("TypeCondition") != nullptr) {
        check_inline_fragment(selection, parent, collected);
      } else if (selection.find("Alias") != nullptr) {
        check_field(selection, parent, collected);
      } else {
        check_fragment_spread(selection, parent, collected);
      }
    }
  }

  const Value* field_definition(const TypeDefinition& parent, const std::string& name) const {
    if (const Value* f = parent.field(name)) return f;
    if (parent.name == schema_.query) {
      for (const Value& meta : meta_fields()) {
        if (node_string(meta, "Name") == name) return &meta;
      }
    }
    return nullptr;
  }

  void check_field(const Value& field, const TypeDefinition* parent, Collected& collected) {
    std::string name = node_string(field, "Name");
    std::vector<Value> args = node_list(field, "Arguments");
    std::vector<Value> selections = node_list(field, "SelectionSet");
    const Value* def = nullptr;
    const TypeDefinition* field_type = nullptr;
    if (name == "__typename") {
      field_type = string_type();
    } else if (parent != nullptr) {
      def = field_definition(*parent, name);
      if (def == nullptr) fail_at(field, "Cannot query field " + quote(name) + " on type " + quote(parent->name) + ".");
      field_type = schema_.type(named_type_of((*def)["Type"]));
    }
    if (def != nullptr) {
      check_arguments(args, node_list(*def, "Arguments"), field, collected,
                      [&](const std::string& arg) {
                        return "Unknown argument " + quote(arg) + " on field " + quote(parent->name + "." + name) + ".";
                      },
                      [&](const std::string& arg, const Value& type) {
                        return "Field " + quote(name) + " argument " + quote(arg) + " of type " +
                               quote(type_string(type)) + " is required, but it was not provided.";
                      });
    } else {
      for (const Value& arg : args) check_value(arg["Value"], nullptr, collected);
    }
    check_directives(node_list(field, "Directives"), "FIELD", collected);
    if (field_type != nullptr) {
      if (field_type->is_leaf() && !selections.empty()) {
        fail_at(field, "Field " + quote(name) + " must not have a selection since type " +
                           quote(type_string((*def)["Type"])) + " has no subfields.");
      }
      if (field_type->is_composite() && selections.empty()) {
        fail_at(field, "Field " + quote(name) + " of type " + quote(type_string((*def)["Type"])) +
                           " must have a selection of subfields. Did you mean " + quote(name + " { ... }") + "?");
      }
    }
    check_selections(selections, field_type != nullptr && field_type->is_composite() ? field_type : nullptr,
                     collected);
  }

  template <class UnknownMessage, class RequiredMessage>
  void check_arguments(const std::vector<Value>& args, const std::vector<Value>& defs, const Value& owner,
                       Collected& collected, UnknownMessage unknown, RequiredMessage required) {
    std::set<std::string> seen;
    for (const Value& arg : args) {
      std::string name = node_string(arg, "Name");
      if (!seen.insert(name).second) fail_at(arg, "There can be only one argument named " + quote(name) + ".");
      const Value* def = nullptr;
      for (const Value& d : defs) {
        if (node_string(d, "Name") == name) def = &d;
      }
      if (def == nullptr) fail_at(arg, unknown(name));
      const Value& type = (*def)["Type"];
      check_value(arg["Value"], &type, collected, def->find("DefaultValue") != nullptr);
    }
    for (const Value& d : defs) {
      const Value& type = d["Type"];
      if (flag(type, "NonNull") && d.find("DefaultValue") == nullptr && seen.count(node_string(d, "Name")) == 0) {
        fail_at(owner, required(node_string(d, "Name"), type));
      }
    }
  }

  void check_directives(const std::vector<Value>& directives, std::string_view location, Collected& collected) {
    std::set<std::string> seen;
    for (const Value& dir : directives) {
      std::string name = node_string(dir, "Name");
      auto found = schema_.directives.find(name);
      if (found == schema_.directives.end()) fail_at(dir, "Unknown directive " + quote("@" + name) + ".");
      const Value& def = found->second;
      bool allowed = false;
      for (const Value& loc : node_list(def, "Locations")) {
        if (loc.is_string() && loc.as_string() == location) allowed = true;
      }
      if (!allowed) fail_at(dir, "Directive " + quote("@" + name) + " may not be used on " + std::string(location) + ".");
      if (!seen.insert(name).second && !flag(def, "IsRepeatable")) {
        fail_at(dir, "The directive " + quote("@" + name) + " can only be used once at this location.");
      }
      check_arguments(node_list(dir, "Arguments"), node_list(def, "Arguments"), dir, collected,
                      [&](const std::string& arg) {
                        return "Unknown argument " + quote(arg) + " on directive " + quote("@" + name) + ".";
                      },
                      [&](const std::string& arg, const Value& type) {
                        return "Directive " + quote("@" + name) + " argument " + quote(arg) + " of type " +
                               quote(type_string(type)) + " is required, but it was not provided.";
                      });
    }
  }

  bool can_overlap(const TypeDefinition& a, const TypeDefinition& b) const {
    std::vector<std::string> pa = schema_.possible_types(a.name);
    std::vector<std::string> pb = schema_.possible_types(b.name);
    for (const std::string& t : pa) {
      if (std::find(pb.begin(), pb.end(), t) != pb.end()) return true;
    }
    return false;
  }

  void check_inline_fragment(const Value& fragment, const TypeDefinition* parent, Collected& collected) {
    std::string condition = node_string(fragment, "TypeCondition");
    const TypeDefinition* target = parent;
    if (!condition.empty()) {
      target = schema_.type(condition);
      if (target == nullptr) fail_at(fragment, "Unknown type " + quote(condition) + ".");
      if (!target->is_composite()) {
        fail_at(fragment, "Fragment cannot condition on non composite type " + quote(condition) + ".");
      }
      if (parent != nullptr && !can_overlap(*parent, *target)) {
        fail_at(fragment, "Fragment cannot be spread here as objects of type " + quote(parent->name) +
                              " can never be of type " + quote(condition) + ".");
      }
    }
    check_directives(node_list(fragment, "Directives"), "INLINE_FRAGMENT", collected);
    check_selections(node_list(fragment, "SelectionSet"), target, collected);
  }

  void check_fragment_spread(const Value& spread, const TypeDefinition* parent, Collected& collected) {
    std::string name = node_string(spread, "Name");
    auto it = fragments_.find(name);
    if (it == fragments_.end()) fail_at(spread, "Unknown fragment " + quote(name) + ".");
    collected.spreads.push_back(name);
    check_directives(node_list(spread, "Directives"), "FRAGMENT_SPREAD", collected);
    const TypeDefinition* target = schema_.type(node_string(it->second, "TypeCondition"));
    if (parent != nullptr && target != nullptr && !can_overlap(*parent, *target)) {
      fail_at(spread, "Fragment " + quote(name) + " cannot be spread here as objects of type " + quote(parent->name) +
                          " can never be of type " + quote(target->name) + ".");
    }
  }

  // ValuesOfCorrectType, recording variable uses with the type expected where they appear.
  void check_value(const Value& v, const Value* type, Collected& collected, bool has_default = false) {
    int kind = value_kind(v);
    std::string raw = node_string(v, "Raw");
    std::vector<Value> children = node_list(v, "Children");
    if (kind == kVariable) {
      collected.uses.push_back({raw, type != nullptr ? *type : Value::null(), has_default, v});
      return;
    }
    if (type == nullptr) {
      for (const Value& child : children) check_value(child["Value"], nullptr, collected);
      return;
    }
    auto mismatch = [&] {
      std::string found = kind == kList ? "a list" : kind == kObject ? "an object" : raw;
      if (kind == kString || kind == kBlock) found = quote(raw);
      fail_at(v, "Expected value of type " + quote(type_string(*type)) + ", found " + found + ".");
    };
    if (kind == kNull) {
      if (flag(*type, "NonNull")) mismatch();
      return;
    }
    const Value* elem = type->find("Elem");
    if (elem != nullptr && elem->is_object()) {
      if (kind == kList) {
        for (const Value& child : children) check_value(child["Value"], elem, collected);
      } else {
        check_value(v, elem, collected);
      }
      return;
    }
    const TypeDefinition* named = schema_.type(node_string(*type, "NamedType"));
    if (named == nullptr) return;
    if (kind == kList) mismatch();
    if (named->kind == "SCALAR") {
      const std::string& n = named->name;
      bool ok = true;
      if (n == "Int") ok = kind == kInt;
      else if (n == "Float") ok = kind == kInt || kind == kFloat;
      else if (n == "String") ok = kind == kString || kind == kBlock;
      else if (n == "Boolean") ok = kind == kBoolean;
      else if (n == "ID") ok = kind == kString || kind == kBlock || kind == kInt;
      if (!ok) mismatch();
    } else if (named->kind == "ENUM") {
      if (kind != kEnum) mismatch();
      bool known = false;
      for (const Value& ev : named->enum_values) {
        if (node_string(ev, "Name") == raw) known = true;
      }
      if (!known) fail_at(v, "Value " + quote(raw) + " does not exist in " + quote(named->name) + " enum.");
    } else if (named->kind == "INPUT_OBJECT") {
      if (kind != kObject) mismatch();
      std::set<std::string> provided;
      for (const Value& child : children) {
        std::string field_name = node_string(child, "Name");
        if (!provided.insert(field_name).second) {
          fail_at(child, "There can be only one input field named " + quote(field_name) + ".");
        }
        const Value* field = named->field(field_name);
        if (field == nullptr) {
          fail_at(child, "Field " + quote(field_name) + " is not defined by type " + quote(named->name) + ".");
        }
        const Value& field_type = (*field)["Type"];
        check_value(child["Value"], &field_type, collected, field->find("DefaultValue") != nullptr);
      }
      for (const Value& field : named->fields) {
        const Value& field_type = field["Type"];
        std::string field_name = node_string(field, "Name");
        if (flag(field_type, "NonNull") && field.find("DefaultValue") == nullptr && provided.count(field_name) == 0) {
          fail_at(v, "Field " + quote(named->name + "." + field_name) + " of required type " +
                         quote(type_string(field_type)) + " was not provided.");
        }
      }
    }
  }

  const Schema& schema_;
  const Value& document_;
  std::map<std::string, Value> fragments_;
  std::map<std::string, Collected> fragment_collected_;
  std::set<std::string> used_fragments_;
};

}  // namespace

void validate_query(const Schema& schema, const Value& query_document) {
  QueryValidator(schema, query_document).run();
}

}  // namespace tollgate::rego::graphql
