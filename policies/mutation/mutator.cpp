#include "policies/mutation/mutator.h"

#include <tuple>

#include "policies/mutation/assign.h"
#include "policies/mutation/assign_image.h"
#include "policies/mutation/assign_metadata.h"
#include "policies/mutation/modify_set.h"
#include "rules/value/yaml.h"

namespace tollgate::policies::mutation {

using value::Value;

std::string MutatorId::go_string() const {
  return std::string("{") + kMutationsGroup + " " + kind + " " + namespace_name + " " + name + "}";
}

bool MutatorId::operator<(const MutatorId& o) const {
  return std::tie(kind, namespace_name, name) < std::tie(o.kind, o.namespace_name, o.name);
}

MatchResult Mutator::matches(const MutationTarget& target) const {
  if (apply_to_ && !apply_to_->applies(target.group, target.version, target.kind, target.operation)) {
    return MatchResult{};
  }
  return match_.matches(target.match);
}

namespace {

// A parsed location, or a load error at `pointer` worded like Gatekeeper's
// "invalid location format" errors, with the position of the problem.
std::optional<Location> parse_path_field(std::string_view text, std::string_view pointer, const std::string& what,
                                         ParseContext& ctx) {
  PathError error;
  std::optional<Location> loc = parse_location(text, &error);
  if (!loc) {
    ctx.error(pointer, what + ": " + error.message + " at position " + std::to_string(error.position));
  }
  return loc;
}

}  // namespace

bool Mutator::parse_common(const Value& object, std::string_view kind, bool metadata_only, ParseContext& ctx) {
  size_t errors_before = ctx.error_count();
  id_.kind = std::string(kind);
  if (const Value* meta = fields::object_field(object, "metadata", "", ctx)) {
    id_.name = std::string(fields::string_field(*meta, "name", "/metadata", ctx));
    id_.namespace_name = std::string(fields::string_field(*meta, "namespace", "/metadata", ctx));
  }
  if (id_.name.empty()) {
    ctx.error("/metadata", id_.kind + " has no metadata.name");
  } else if (id_.name.size() > 63) {
    ctx.error("/metadata/name", id_.kind + " name \"" + id_.name + "\" is longer than 63 characters");
  }

  const Value* spec = fields::object_field(object, "spec", "", ctx);
  const Value& spec_or_empty = spec != nullptr ? *spec : Value::empty_object();

  size_t errors_before_location = ctx.error_count();
  std::string_view location_text = fields::string_field(spec_or_empty, "location", "/spec", ctx);
  bool location_not_string = ctx.error_count() != errors_before_location;
  if (location_text.empty()) {
    if (!location_not_string)
      ctx.error(spec != nullptr ? "/spec" : "", id_.kind + " " + id_.name + " has no spec.location");
  } else if (auto loc = parse_path_field(
                 location_text, "/spec/location",
                 "invalid location format `" + std::string(location_text) + "` for " + id_.kind + " " + id_.name,
                 ctx)) {
    location_ = std::move(*loc);
  }

  if (auto m = MatchCriteria::parse(spec_or_empty.find("match"), "/spec/match", ctx)) match_ = std::move(*m);

  if (!metadata_only) {
    apply_to_ = ApplyTo::parse(spec_or_empty, id_.kind, id_.name, ctx);
    if (apply_to_) bindings_ = apply_to_->bindings();

    std::vector<PathTest> tests;
    const Value* params = fields::object_field(spec_or_empty, "parameters", "/spec", ctx);
    const Value* list =
        params != nullptr ? fields::array_field(*params, "pathTests", "/spec/parameters", ctx) : nullptr;
    for (size_t i = 0; list != nullptr && i < list->items().size(); ++i) {
      const Value& item = list->items()[i];
      std::string ptr = value::pointer_append("/spec/parameters/pathTests", i);
      if (!item.is_object()) {
        ctx.error(ptr, "pathTests entries must be objects with subPath and condition");
        continue;
      }
      PathTest t;
      t.sub_path_text = std::string(fields::string_field(item, "subPath", ptr, ctx));
      std::string_view condition = fields::string_field(item, "condition", ptr, ctx);
      if (condition == "MustExist") {
        t.condition = PathCondition::MustExist;
      } else if (condition == "MustNotExist") {
        t.condition = PathCondition::MustNotExist;
      } else {
        ctx.error(ptr + (item.find("condition") != nullptr ? "/condition" : ""),
                  "\"" + std::string(condition) + "\" is not a valid path test condition (MustExist, MustNotExist)");
        continue;
      }
      auto sub =
          parse_path_field(t.sub_path_text, ptr + "/subPath",
                           "problem parsing sub path `" + t.sub_path_text + "` for " + id_.kind + " " + id_.name, ctx);
      if (!sub) continue;
      t.sub_path = std::move(*sub);
      tests.push_back(std::move(t));
    }
    if (ctx.error_count() == errors_before) {
      std::string error;
      std::optional<PathTester> tester = PathTester::build(location_, tests, &error);
      if (tester) {
        tester_ = std::move(*tester);
      } else {
        ctx.error("/spec/parameters/pathTests", error);
      }
    }
  }
  return ctx.error_count() == errors_before;
}

bool Mutator::reject_metadata_root(std::string_view what, ParseContext& ctx) const {
  if (location_.empty() || location_.nodes[0].is_list() || location_.nodes[0].name != "metadata") return true;
  ctx.error("/spec/location", std::string(what) + " " + id_.name + " can't change metadata");
  return false;
}

bool Mutator::reject_key_change(ParseContext& ctx) const {
  size_t n = location_.size();
  if (n < 2 || !location_.nodes[n - 2].is_list()) return true;
  if (location_.nodes[n - 1].name != location_.nodes[n - 2].name) return true;
  ctx.error("/spec/location", "invalid path format: changing the item key is not allowed");
  return false;
}

std::unique_ptr<const Mutator> parse_mutator(const Value& object, ParseContext& ctx) {
  std::string_view kind = object["kind"].string_or("");
  if (kind == "Assign") return parse_assign(object, ctx);
  if (kind == "AssignMetadata") return parse_assign_metadata(object, ctx);
  if (kind == "ModifySet") return parse_modify_set(object, ctx);
  if (kind == "AssignImage") return parse_assign_image(object, ctx);
  ctx.error("/kind", "unsupported mutator kind " + std::string(kind));
  return nullptr;
}

}  // namespace tollgate::policies::mutation
