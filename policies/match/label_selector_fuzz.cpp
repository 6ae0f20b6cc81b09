// libFuzzer target: a metav1.LabelSelector (JSON) parsed and validated the
// way metav1.LabelSelectorAsSelector does, then matched. The input is either
// a selector, or [selector, labels]. An invalid selector is refused with a
// message; a valid one matches any labels object without failing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "policies/match/label_selector.h"
#include "rules/value/json.h"

using namespace tollgate;
using value::Value;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Value input;
  value::JsonError json_error;
  if (!value::parse_json(text, &input, &json_error)) return 0;
  Value selector = input;
  Value labels = value::parse_json_or_throw(R"({"app":"web","team":"a","tier":"front"})");
  if (input.is_array() && input.size() == 2) {
    selector = input.items()[0];
    labels = input.items()[1];
  }
  policies::LabelSelector::ParseError error;
  std::optional<policies::LabelSelector> parsed = policies::LabelSelector::parse(selector, &error);
  if (!parsed) {
    if (error.message.empty()) std::abort();
    return 0;
  }
  (void)parsed->matches(&labels);
  (void)parsed->matches(nullptr);
  if (labels.is_object()) {
    for (const auto& [key, val] : labels.entries()) {
      (void)policies::check_label_key(key.is_string() ? key.as_string() : "");
      if (val.is_string()) (void)policies::check_label_value(val.as_string());
    }
  }
  return 0;
}
