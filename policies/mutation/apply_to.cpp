#include "policies/mutation/apply_to.h"

#include <algorithm>
#include <tuple>

#include "rules/value/yaml.h"

namespace tollgate::policies::mutation {

using value::Value;

namespace {

bool contains(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool accepts_all_operations(const ApplyTo::Entry& e) { return e.operations.empty() || contains(e.operations, "*"); }

bool accepts_operation(const ApplyTo::Entry& e, std::string_view operation) {
  if (operation.empty()) {
    if (accepts_all_operations(e)) return true;
    return std::all_of(std::begin(kMutationOperations), std::end(kMutationOperations),
                       [&](std::string_view op) { return contains(e.operations, op); });
  }
  bool supported = std::find(std::begin(kMutationOperations), std::end(kMutationOperations), operation) !=
                   std::end(kMutationOperations);
  if (!supported) return false;
  return accepts_all_operations(e) || contains(e.operations, operation);
}

}  // namespace

bool SchemaBinding::operator<(const SchemaBinding& o) const {
  return std::tie(group, version, kind, operation) < std::tie(o.group, o.version, o.kind, o.operation);
}

bool SchemaBinding::operator==(const SchemaBinding& o) const {
  return group == o.group && version == o.version && kind == o.kind && operation == o.operation;
}

std::string SchemaBinding::to_string() const {
  return (group.empty() ? version : group + "/" + version) + " " + kind + " " + operation;
}

std::optional<ApplyTo> ApplyTo::parse(const Value& spec, std::string_view mutator_kind, std::string_view mutator_name,
                                      ParseContext& ctx) {
  size_t errors_before = ctx.error_count();
  std::string who = std::string(mutator_kind) + " mutator " + std::string(mutator_name);
  ApplyTo out;
  const Value* list = fields::array_field(spec, "applyTo", "/spec", ctx);
  if (ctx.error_count() != errors_before) return std::nullopt;
  if (list == nullptr || list->size() == 0) {
    ctx.error("/spec", "applyTo required for " + who);
    return std::nullopt;
  }
  for (size_t i = 0; i < list->items().size(); ++i) {
    const Value& item = list->items()[i];
    std::string ptr = value::pointer_append("/spec/applyTo", i);
    if (!item.is_object()) {
      ctx.error(ptr, "applyTo entries must be objects with groups, versions and kinds");
      continue;
    }
    Entry e;
    e.groups = fields::string_list_field(item, "groups", ptr, ctx);
    e.versions = fields::string_list_field(item, "versions", ptr, ctx);
    e.kinds = fields::string_list_field(item, "kinds", ptr, ctx);
    e.operations = fields::string_list_field(item, "operations", ptr, ctx);
    if (e.groups.empty() || e.versions.empty() || e.kinds.empty()) {
      ctx.error(ptr, "invalid applyTo for " + who + ", all of group, version and kind must be specified");
    }
    std::string index = "applyTo[" + std::to_string(i) + "].operations";
    for (size_t j = 0; j < e.operations.size(); ++j) {
      const std::string& op = e.operations[j];
      std::string op_ptr = value::pointer_append(ptr + "/operations", j);
      if (std::find(e.operations.begin(), e.operations.begin() + static_cast<std::ptrdiff_t>(j), op) !=
          e.operations.begin() + static_cast<std::ptrdiff_t>(j)) {
        ctx.error(op_ptr, "invalid applyTo for " + who + ": duplicate operation \"" + op + "\" in " + index);
      }
      if (op != "CREATE" && op != "UPDATE" && op != "*") {
        ctx.error(op_ptr, "invalid applyTo for " + who + ": invalid operation \"" + op + "\" in " + index +
                              ": must be one of CREATE, UPDATE, *");
      }
    }
    if (contains(e.operations, "*") && e.operations.size() > 1) {
      ctx.error(ptr + "/operations", "invalid applyTo for " + who + ": wildcard \"*\" in " + index +
                                         " must not be combined with other operations");
    }
    out.entries_.push_back(std::move(e));
  }
  if (ctx.error_count() != errors_before) return std::nullopt;
  return out;
}

bool ApplyTo::applies(std::string_view group, std::string_view version, std::string_view kind,
                      std::string_view operation) const {
  for (const Entry& e : entries_) {
    if (contains(e.groups, group) && contains(e.versions, version) && contains(e.kinds, kind) &&
        accepts_operation(e, operation)) {
      return true;
    }
  }
  return false;
}

std::vector<SchemaBinding> ApplyTo::bindings() const {
  std::vector<SchemaBinding> out;
  for (const Entry& e : entries_) {
    for (const std::string& g : e.groups) {
      for (const std::string& v : e.versions) {
        for (const std::string& k : e.kinds) {
          for (std::string_view op : kMutationOperations) {
            if (accepts_all_operations(e) || contains(e.operations, op)) {
              out.push_back({g, v, k, std::string(op)});
            }
          }
        }
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace tollgate::policies::mutation
