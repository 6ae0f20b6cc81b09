// libFuzzer target: a mutator's `location` through Gatekeeper's path
// grammar. A text either parses or gets an error with a message; a parsed
// location prints (to_string) as text that parses back to an equal location.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policies/mutation/path.h"

using namespace tollgate::policies::mutation;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  PathError error;
  std::optional<Location> location = parse_location(text, &error);
  if (!location) {
    if (error.message.empty() || error.position > text.size()) std::abort();
    return 0;
  }
  std::string printed = location->to_string();
  PathError again_error;
  std::optional<Location> again = parse_location(printed, &again_error);
  if (!again || again->nodes != location->nodes) std::abort();
  if (!location->is_prefix_of(*location)) std::abort();
  for (size_t i = 0; i <= location->size(); ++i) (void)location->prefix_string(i);
  for (const PathNode& node : location->nodes) {
    if (node.is_list() && !node.glob) (void)node.key_value();
  }
  return 0;
}
