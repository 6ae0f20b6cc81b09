#include "policies/expansion/expansion_template.h"

#include <algorithm>

namespace tollgate::policies::expansion {

using value::Value;

std::string GroupVersionKind::to_string() const { return group + "/" + version + ", Kind=" + kind; }

std::string GroupVersionKind::api_version() const { return group.empty() ? version : group + "/" + version; }

GroupVersionKind gvk_of(const Value& object) {
  std::string_view api_version = object["apiVersion"].string_or("");
  return GroupVersionKind{std::string(api_group_of(api_version)), std::string(api_version_of(api_version)),
                          std::string(object["kind"].string_or(""))};
}

bool ExpansionTemplate::applies_to(const GroupVersionKind& gvk) const {
  return std::find(apply_to.begin(), apply_to.end(), gvk) != apply_to.end();
}

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    out.emplace_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

}  // namespace

std::string validate_expansion_template(const ExpansionTemplate& t, std::string* field) {
  auto fail = [&](const char* pointer, std::string message) {
    if (field != nullptr) *field = pointer;
    return message;
  };
  if (t.name.empty()) return fail("/metadata", "ExpansionTemplate has empty name field");
  if (t.name.size() >= 64) return fail("/metadata/name", "ExpansionTemplate name must be less than 64 characters");
  if (t.template_source.empty()) return fail("/spec", "ExpansionTemplate " + t.name + " has empty source field");
  if (t.generated.group.empty() && t.generated.version.empty() && t.generated.kind.empty()) {
    return fail("/spec", "ExpansionTemplate " + t.name + " has empty generatedGVK field");
  }
  if (t.apply_to_entries == 0) {
    return fail("/spec", "ExpansionTemplate " + t.name + " must specify ApplyTo");
  }
  if (t.applies_to(t.generated)) {
    return fail("/spec/applyTo", "ExpansionTemplate " + t.name + " generates GVK " + t.generated.to_string() +
                                     ", but also applies to that same GVK");
  }
  return {};
}

std::optional<ExpansionTemplate> parse_expansion_template(const Value& object, ParseContext& ctx) {
  size_t errors_before = ctx.error_count();
  ExpansionTemplate t;
  const Value* metadata = fields::object_field(object, "metadata", "", ctx);
  if (metadata != nullptr) t.name = std::string(fields::string_field(*metadata, "name", "/metadata", ctx));
  const Value* spec = fields::object_field(object, "spec", "", ctx);
  if (spec != nullptr) {
    if (const Value* apply_to = fields::array_field(*spec, "applyTo", "/spec", ctx)) {
      t.apply_to_entries = apply_to->items().size();
      for (size_t i = 0; i < apply_to->items().size(); ++i) {
        const Value& entry = apply_to->items()[i];
        std::string pointer = value::pointer_append("/spec/applyTo", i);
        if (!entry.is_object()) {
          ctx.error(pointer, "applyTo entries must be objects with groups, versions and kinds");
          continue;
        }
        std::vector<std::string> groups = fields::string_list_field(entry, "groups", pointer, ctx);
        std::vector<std::string> versions = fields::string_list_field(entry, "versions", pointer, ctx);
        std::vector<std::string> kinds = fields::string_list_field(entry, "kinds", pointer, ctx);
        for (const std::string& g : groups) {
          for (const std::string& v : versions) {
            for (const std::string& k : kinds) t.apply_to.push_back({g, v, k});
          }
        }
      }
    }
    t.template_source = std::string(fields::string_field(*spec, "templateSource", "/spec", ctx));
    t.source_path = split_path(t.template_source);
    if (const Value* generated = fields::object_field(*spec, "generatedGVK", "/spec", ctx)) {
      t.generated.group = std::string(fields::string_field(*generated, "group", "/spec/generatedGVK", ctx));
      t.generated.version = std::string(fields::string_field(*generated, "version", "/spec/generatedGVK", ctx));
      t.generated.kind = std::string(fields::string_field(*generated, "kind", "/spec/generatedGVK", ctx));
    }
    t.enforcement_action = std::string(fields::string_field(*spec, "enforcementAction", "/spec", ctx));
  }
  if (ctx.error_count() != errors_before) return std::nullopt;
  std::string field;
  std::string invalid = validate_expansion_template(t, &field);
  if (!invalid.empty()) {
    ctx.error(field, invalid);
    return std::nullopt;
  }
  return t;
}

}  // namespace tollgate::policies::expansion
