// libFuzzer target: AssignImage's image reference split and its
// assignDomain/assignPath/assignTag validation. The input is the reference,
// then up to three lines: domain, path, tag. Splitting never loses text
// (the parts print back as the reference), and parts that pass validation
// converge: assigning them to the result again changes nothing. (Unless the
// reference's tag holds a '/', which no valid image has: then a new path
// with a '.' reads as a domain on the next split, in Gatekeeper as here, and
// the mutation system reports that the mutation does not converge.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policies/mutation/image_reference.h"

using namespace tollgate::policies::mutation;

namespace {

std::string_view next_line(std::string_view* rest) {
  size_t nl = rest->find('\n');
  std::string_view line = rest->substr(0, nl);
  *rest = nl == std::string_view::npos ? std::string_view{} : rest->substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view reference = next_line(&rest);
  std::string_view domain = next_line(&rest);
  std::string_view path = next_line(&rest);
  std::string_view tag = rest;

  ImageReference ref = ImageReference::parse(reference);
  if (ref.to_string() != reference) std::abort();

  if (!validate_image_parts(domain, path, tag).empty()) return 0;
  if (tag.empty() && ref.tag.find('/') != std::string::npos) return 0;
  std::string once = assign_image(reference, domain, path, tag);
  std::string twice = assign_image(once, domain, path, tag);
  if (once != twice) std::abort();
  return 0;
}
