#include "policies/gator/go_format.h"

#include <cstdio>

namespace tollgate::policies::gator {

std::string go_string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out += items[i];
  }
  out.push_back(']');
  return out;
}

std::string go_seconds(double seconds) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3fs", seconds);
  return buf;
}

}  // namespace tollgate::policies::gator
