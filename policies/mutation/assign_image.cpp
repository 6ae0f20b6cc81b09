#include "policies/mutation/assign_image.h"

#include "policies/mutation/image_reference.h"
#include "rules/value/json.h"

namespace tollgate::policies::mutation {

using value::Value;

namespace {

class ImageSetter final : public Setter {
 public:
  ImageSetter(const std::string& domain, const std::string& path, const std::string& tag)
      : domain_(domain), path_(path), tag_(tag) {}

  bool set_value(const Value* existing, std::optional<Value>* out, std::string* error) const override {
    std::string_view current;
    if (existing != nullptr) {
      if (!existing->is_string()) {
        *error = "expected value at AssignImage location to be a string, got " +
                 (existing->is_null() ? std::string("<nil>") : value::to_json(*existing)) + " of type " +
                 go_type_name(*existing);
        return false;
      }
      current = existing->as_string();
    }
    *out = Value::string(assign_image(current, domain_, path_, tag_));
    return true;
  }

 private:
  const std::string& domain_;
  const std::string& path_;
  const std::string& tag_;
};

class AssignImage final : public Mutator {
 public:
  bool parse(const Value& object, ParseContext& ctx) {
    size_t errors_before = ctx.error_count();
    parse_common(object, "AssignImage", false, ctx);
    if (!location_.empty() && reject_metadata_root("assignImage", ctx)) {
      if (location_.nodes.back().is_list()) {
        ctx.error("/spec/location", "assignImage " + id_.name + " cannot mutate list-type fields");
      } else {
        reject_key_change(ctx);
      }
    }
    const Value& params = object["spec"]["parameters"];
    if (params.is_object()) {
      domain_ = std::string(fields::string_field(params, "assignDomain", "/spec/parameters", ctx));
      path_ = std::string(fields::string_field(params, "assignPath", "/spec/parameters", ctx));
      tag_ = std::string(fields::string_field(params, "assignTag", "/spec/parameters", ctx));
    }
    std::string invalid = validate_image_parts(domain_, path_, tag_);
    if (!invalid.empty()) {
      ctx.error(params.is_object() ? "/spec/parameters" : "/spec",
                "assignImage " + id_.name + " has invalid parameters: " + invalid);
    }
    return ctx.error_count() == errors_before;
  }

  TerminalType terminal_type() const override { return TerminalType::String; }

  PathMutation mutate(const Value& object) const override {
    return mutate_path(location_, tester_, ImageSetter(domain_, path_, tag_), object);
  }

 private:
  std::string domain_;
  std::string path_;
  std::string tag_;
};

}  // namespace

std::unique_ptr<const Mutator> parse_assign_image(const Value& object, ParseContext& ctx) {
  auto m = std::make_unique<AssignImage>();
  if (!m->parse(object, ctx)) return nullptr;
  return m;
}

}  // namespace tollgate::policies::mutation
