// libFuzzer target: JSON text into Values (the simdjson hot path and the
// number-text-keeping parser), then back to JSON. A document either parses
// or gets an error with a message; what to_json writes parses again and
// prints the same after one normalising round.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rules/value/json.h"

using namespace tollgate::value;

namespace {

void check_round_trip(const Value& v) {
  std::string first = to_json(v);
  Value again;
  JsonError error;
  if (!parse_json(first, &again, &error)) std::abort();
  std::string second = to_json(again);
  Value third;
  if (!parse_json(second, &third, &error)) std::abort();
  if (to_json(third) != second) std::abort();
  (void)to_json_pretty(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Value v;
  JsonError error;
  if (parse_json(text, &v, &error)) {
    check_round_trip(v);
  } else if (error.message.empty()) {
    std::abort();
  }
  Value kept;
  JsonError kept_error;
  // Kept number text (1e400, 2.50) prints as written, which parse_json may
  // refuse (out of double range): only printing is checked here.
  if (parse_json_keeping_number_text(text, &kept, &kept_error)) {
    (void)to_json(kept);
  } else if (kept_error.message.empty()) {
    std::abort();
  }
  return 0;
}
